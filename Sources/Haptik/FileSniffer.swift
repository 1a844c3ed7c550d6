/// Names a file's type from its first bytes (magic numbers), whatever it was called or declared.
public enum FileSniffer {
    private static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
    private static let gif87: [UInt8] = Array("GIF87a".utf8)
    private static let gif89: [UInt8] = Array("GIF89a".utf8)
    private static let riff: [UInt8] = Array("RIFF".utf8)
    private static let webp: [UInt8] = Array("WEBP".utf8)
    private static let pdf: [UInt8] = Array("%PDF-".utf8)

    /// `png`, `jpeg`, `gif`, `webp`, `pdf`, or nil.
    public static func type(of leadingBytes: [UInt8]) -> String? {
        if leadingBytes.starts(with: png) { return "png" }
        if leadingBytes.starts(with: jpeg) { return "jpeg" }
        if leadingBytes.starts(with: gif87) || leadingBytes.starts(with: gif89) { return "gif" }
        if leadingBytes.starts(with: riff), leadingBytes.dropFirst(8).starts(with: webp) { return "webp" }
        if leadingBytes.starts(with: pdf) { return "pdf" }
        return nil
    }

    /// The sniffed type an extension claims, for `extension_mismatch`; nil when it claims none.
    static func type(ofExtension fileExtension: String) -> String? {
        switch fileExtension.lowercased() {
        case "png": "png"
        case "jpg", "jpeg": "jpeg"
        case "gif": "gif"
        case "webp": "webp"
        case "pdf": "pdf"
        default: nil
        }
    }
}
