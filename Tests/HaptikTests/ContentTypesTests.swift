import Haptik
import Testing

struct ContentTypesTests {
    @Test(arguments: [
        ("jpg", "image/jpeg"), ("JPG", "image/jpeg"), ("jpeg", "image/jpeg"), ("JpEg", "image/jpeg"),
        ("png", "image/png"), ("PNG", "image/png"), ("gif", "image/gif"), ("GIF", "image/gif"),
        ("webp", "image/webp"), ("WebP", "image/webp"), ("pdf", "application/pdf"), ("PDF", "application/pdf"),
        ("txt", "application/octet-stream"), ("html", "application/octet-stream"), ("svg", "application/octet-stream"),
        ("jpe", "application/octet-stream"), ("pngx", "application/octet-stream"), ("", "application/octet-stream"),
    ])
    func typesStoredFilesByExtensionInAnyCase(fileExtension: String, expected: String) {
        #expect(ContentTypes.forExtension(fileExtension[...]) == expected)
    }

    @Test(arguments: [
        ("a.png", "png"), ("a.tar.gz", "gz"), ("A.JPEG", "JPEG"), ("C:\\dir\\x.PNG", "PNG"), ("x.1", "1"),
    ] as [(String?, String)])
    func extensionOfKeepsAShortAlphanumericSuffixAsSent(filename: String?, expected: String) {
        #expect(ContentTypes.extensionOf(filename: filename) == expected)
    }

    @Test(arguments: [nil, "", "noext", "x.", "../../etc/passwd", "x.p g", "x.tar-gz", "x.ünï", "x.png\u{0}",
                      "x.abcdefghijklmnopq", "dir.d/name"] as [String?])
    func extensionOfIsNilOtherwise(filename: String?) {
        #expect(ContentTypes.extensionOf(filename: filename) == nil)
    }
}
