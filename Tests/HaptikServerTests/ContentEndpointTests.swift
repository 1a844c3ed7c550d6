import Foundation
import HaptikTestSupport
import Testing

/// `GET /content/<name>` (CONTRACT §4 "Storage"): stored uploads come back byte-identical and typed
/// by extension; nothing else in or near the storage directory can be reached.
@Suite struct ContentEndpointTests {
    @Test(arguments: [
        ("a.jpg", "image/jpeg"), ("a.JPG", "image/jpeg"), ("a.jpeg", "image/jpeg"), ("a.JpEg", "image/jpeg"),
        ("a.png", "image/png"), ("a.PNG", "image/png"), ("a.gif", "image/gif"), ("a.webp", "image/webp"),
        ("a.pdf", "application/pdf"), ("a.PDF", "application/pdf"), ("a.txt", "application/octet-stream"),
        ("a.bin", "application/octet-stream"), ("noextension", "image/jpeg"),
    ])
    func downloadIsByteIdenticalAndTypedByExtension(filename: String, contentType: String) throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 70_000, seed: 11)
        let upload = try server.upload(.upload(file: file, filename: filename, fileContentType: "text/plain"))
        let receipt = try #require(upload.receipt, "\(upload.bodyText)")
        let download = try server.get("/content/\(receipt.storedName)")
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == contentType)
        #expect(download.header("Content-Length") == String(file.count))
        #expect(download.body == file)
    }

    @Test func downloadsKeepTheConnectionAlive() throws {
        let server = try TestServer.start()
        let receipt = try #require(try server.upload(.upload()).receipt)
        let client = try server.connect()
        let get = RawRequest.get("/content/\(receipt.storedName)", host: server.host).bytes
        try client.send(get + get)
        let first = try client.readResponse()
        let second = try client.readResponse()
        #expect(first.status == 200 && second.status == 200)
        #expect(first.body == second.body)
        #expect(!first.closesConnection)
    }

    @Test func fileURLIsDownloadableAsGiven() throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 1234)
        let receipt = try #require(try server.upload(.upload(file: file)).receipt)
        let prefix = "http://\(server.host)"
        #expect(receipt.fileURL.hasPrefix(prefix))
        let download = try server.get(String(receipt.fileURL.dropFirst(prefix.count)))
        #expect(download.body == file)
    }

    @Test func unknownStoredNameIs404() throws {
        let server = try TestServer.start()
        expectError(try server.get("/content/0123456789abcdef0123456789abcdef.png"), status: 404)
    }

    @Test func traversalAndEncodedNamesAre404() throws {
        let server = try TestServer.start()
        let receipt = try #require(try server.upload(.upload()).receipt)
        let name = receipt.storedName
        try server.root.write(Array("secret".utf8), to: "secret.txt")   // beside storage/
        try server.root.write(Array("partial".utf8), to: "storage/.partial-x")
        try server.root.write(Array("partial".utf8), to: "storage/.partial-abc.png")
        let encodedName = name.replacingOccurrences(of: ".", with: "%2e")
        let targets = [
            "/content/../secret.txt", "/content/..%2fsecret.txt", "/content/%2e%2e/secret.txt",
            "/content/%2e%2e%2fsecret.txt", "/content/..", "/content/.", "/content/", "/content/%2e",
            "/content/.partial-x", "/content/.partial-abc.png", "/content/%2epartial-x",
            "/content/\(encodedName)", "/content/\(name)/", "/content//\(name)", "/content/./\(name)",
            "/content/x/../\(name)", "/content/\(name)%00", "/content/\(name).png",
        ]
        for target in targets {
            let response = try server.get(target)
            #expect(response.status == 404, "\(target): \(response.status)")
            #expect(!response.bodyText.contains("secret") && !response.bodyText.contains("partial\""), "\(target)")
        }
        #expect(try server.get("/content/\(name)").status == 200)
    }
}
