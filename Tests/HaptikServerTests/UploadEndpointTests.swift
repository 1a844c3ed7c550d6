import Foundation
import HaptikTestSupport
import Testing

/// `POST /v1.0/log_file_from_user/` accepting uploads (CONTRACT §4), over real sockets: the answer
/// field by field, and what lands on disk.
@Suite struct UploadEndpointTests {
    @Test func acceptedUploadIsAnsweredFieldByFieldAndStoredByteIdentical() throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 20_000)
        let before = Date()
        let response = try server.upload(.upload(messageBody: "hello \"world\"\nsecond line", file: file))
        let after = Date()

        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.header("Content-Type") == "application/json")
        #expect(!response.closesConnection)
        let object = try #require(response.jsonObject)
        #expect(Set(object.keys) == ["message_id", "message_body", "created_at", "message_type", "file_url"])
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageID > 0)
        #expect(receipt.messageBody == "hello \"world\"\nsecond line")
        #expect(receipt.messageType == 1)
        #expect(response.bodyText.contains(#""message_type": 1,"#) || response.bodyText.contains(#""message_type":1,"#))
        #expect(hasCreatedAtFormat(receipt.createdAt), "\(receipt.createdAt)")
        let createdAt = try #require(parseCreatedAt(receipt.createdAt))
        #expect(createdAt.timeIntervalSince(before) > -1 && createdAt.timeIntervalSince(after) < 1)

        let name = receipt.storedName
        #expect(receipt.fileURL == "http://\(server.host)/content/\(name)")
        #expect(name.hasSuffix(".png"))
        #expect(server.storedFiles() == [name])
        #expect(server.storedBytes(name) == file)

        let download = try server.get("/content/\(name)")
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == "image/png")
        #expect(download.body == file)
    }

    @Test func fileURLUsesTheRequestsHostVerbatim() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(), host: "uploads.example.test:8443")
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.fileURL == "http://uploads.example.test:8443/content/\(receipt.storedName)")
    }

    @Test func messageIDsIncreaseAcrossConnectionsAndWorkers() throws {
        let server = try TestServer.start(workers: 3)
        var ids: [Int] = []
        for _ in 0..<6 {
            let response = try server.upload(.upload())
            ids.append(try #require(response.receipt, "\(response.bodyText)").messageID)
        }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(server.storedFiles().count == 6)
    }

    @Test func messageBodyIsEmptyWhenNotSent() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(messageBody: nil))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageBody == "")
        #expect(response.bodyText.contains(#""message_body": """#) || response.bodyText.contains(#""message_body":"""#))
    }

    @Test func messageBodyKeepsUnicodeAndEmptyValue() throws {
        let server = try TestServer.start()
        let unicode = try #require(try server.upload(.upload(messageBody: "नमस्ते 👋 ☃")).receipt)
        #expect(unicode.messageBody == "नमस्ते 👋 ☃")
        let empty = try #require(try server.upload(.upload(messageBody: "")).receipt)
        #expect(empty.messageBody == "")
    }

    @Test func documentMessageTypeIsAnsweredAsNumber52() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(messageType: "52", filename: "report.pdf",
                                                 fileContentType: "application/pdf"))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageType == 52)
        #expect(receipt.storedName.hasSuffix(".pdf"))
    }

    @Test func publicURLIsTheBaseOfFileURL() throws {
        let server = try TestServer.start(publicURL: "https://files.example.test/mock/")
        let response = try server.upload(.upload())
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.fileURL == "https://files.example.test/mock/content/\(receipt.storedName)")
        #expect(server.storedFiles() == [receipt.storedName])
    }

    @Test(arguments: [
        ("photo.png", "1", "png"),
        ("photo.PNG", "1", "PNG"),
        ("report.final.pdf", "52", "pdf"),
        ("scan.JpEg", "52", "JpEg"),
        ("a.abcdefghijklmnop", "1", "abcdefghijklmnop"),   // 16 characters: kept
        ("a.abcdefghijklmnopq", "1", "jpg"),               // 17: too long
        ("a.abcdefghijklmnopq", "52", "pdf"),
        ("noextension", "1", "jpg"),
        ("noextension", "52", "pdf"),
        ("trailing.", "1", "jpg"),
        ("weird.ex-t", "52", "pdf"),
        ("spaced.p g", "1", "jpg"),
        ("unicode.pdé", "52", "pdf"),
        ("../../etc/passwd", "1", "jpg"),
        ("..\\..\\boot.ini", "52", "ini"),
        ("/tmp/evil.sh", "52", "sh"),
    ])
    func storedExtensionFollowsTheFilenameOrTheMessageType(filename: String, messageType: String, expected: String) throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 100)
        let response = try server.upload(.upload(messageType: messageType, file: file, filename: filename))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        let parts = receipt.storedName.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 2)
        #expect(parts.last.map(String.init) == expected)
        #expect(parts.first?.count ?? 0 >= 16, "name should be unguessable: \(receipt.storedName)")
        #expect(!receipt.storedName.contains("passwd") && !receipt.storedName.contains("evil"))
        #expect(server.storedFiles() == [receipt.storedName])
        #expect(server.storedBytes(receipt.storedName) == file)
        #expect(FileManager.default.fileExists(atPath: server.root.appending("passwd")) == false)
    }

    @Test func fileWithoutFilenameGetsTheMessageTypesExtension() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(messageType: "52", filename: nil))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.storedName.hasSuffix(".pdf"))
    }

    @Test func storedNamesDifferForIdenticalUploads() throws {
        let server = try TestServer.start()
        let first = try #require(try server.upload(.upload()).receipt)
        let second = try #require(try server.upload(.upload()).receipt)
        #expect(first.storedName != second.storedName)
        #expect(server.storedFiles().count == 2)
    }

    @Test func fieldsAreAcceptedInAnyOrderWithTheFileFirst() throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 5_000, seed: 3)
        let form = MultipartForm(parts: [
            .file(name: "file", filename: "first.gif", contentType: "image/gif", bytes: file),
            .text("message_body", "body before the ids"),
            .text("message_type", "1"),
            .text("unknown_field", "ignored"),
            .text("business_id", "4321"),
            .text("auth_id", "user_002"),
        ])
        let response = try server.upload(form)
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageBody == "body before the ids")
        #expect(receipt.storedName.hasSuffix(".gif"))
        #expect(server.storedBytes(receipt.storedName) == file)
    }

    @Test func fileOfExactlyTheLimitIsAccepted() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let file = TestFixtures.fileBytes(count: 1000)
        let response = try server.upload(.upload(file: file))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(server.storedBytes(receipt.storedName) == file)
    }

    @Test func emptyFileIsAccepted() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(file: []))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(server.storedBytes(receipt.storedName) == [])
        let download = try server.get("/content/\(receipt.storedName)")
        #expect(download.status == 200)
        #expect(download.header("Content-Length") == "0")
    }

    @Test func openClientAcceptsAnyWellFormedAuthIDAndBusinessID() throws {
        let server = try TestServer.start()
        let response = try server.upload(
            .upload(authID: "Any-User_9", businessID: "987654321"),
            authorization: "Bearer \(TestFixtures.openToken)", clientID: TestFixtures.openClientID)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func textFieldOfExactly64KiBIsAccepted() throws {
        let server = try TestServer.start()
        let body = String(repeating: "x", count: 65_536)
        let response = try server.upload(.upload(messageBody: body))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageBody == body)
    }

    @Test(arguments: [
        "multipart/form-data; boundary=%@",
        "Multipart/Form-Data; BOUNDARY=%@",
        "multipart/form-data; boundary=\"%@\"",
        "multipart/form-data;boundary=%@",
        "multipart/form-data; charset=utf-8; boundary=%@; extra=1",
        "multipart/form-data ; boundary = %@",
    ])
    func contentTypeParametersAreCaseInsensitiveAndBoundaryMayBeQuoted(template: String) throws {
        let server = try TestServer.start()
        let form = MultipartForm.upload()
        let contentType = template.replacingOccurrences(of: "%@", with: form.boundary)
        let response = try server.send(.upload(form, host: server.host, contentType: contentType))
        #expect(response.status == 200, "\(contentType): \(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func invalidUTF8InMessageBodyBecomesReplacementCharacters() throws {
        let server = try TestServer.start()
        let form = MultipartForm(parts: [
            .text("auth_id", TestFixtures.authID), .text("business_id", "4321"), .text("message_type", "1"),
            .field(name: "message_body", value: [0x68, 0xFF, 0x69, 0xC3]),
            .file(name: "file", filename: "a.png", contentType: "image/png", bytes: [1, 2, 3]),
        ])
        let response = try server.upload(form)
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageBody == "h\u{FFFD}i\u{FFFD}")
    }

    @Test func rawUTF8FilenameKeepsItsExtension() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(filename: "фото отпуск.jpeg"))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.storedName.hasSuffix(".jpeg"))
    }

    @Test func partsWithPreambleEpilogueAndNoFinalCRLFAreAccepted() throws {
        let server = try TestServer.start()
        let form = MultipartForm.upload(file: TestFixtures.fileBytes(count: 800))
        var body = Array("This is a preamble.\r\n".utf8) + form.body
        body.removeLast(2)   // no CRLF after the close delimiter
        let head = RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("Host", server.host), ("Authorization", TestFixtures.bearer), ("client-id", TestFixtures.clientID),
            ("Content-Type", form.contentType), ("Content-Length", String(body.count)),
        ])
        let response = try server.send(RawRequest(head: head, body: body))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test(arguments: [65_000, 65_536, 66_000, 70_000, 131_072, 1_000_000])
    func uploadsOfSizesAroundA64KiBBatchAreStored(fileSize: Int) throws {
        let server = try TestServer.start(maxFileSize: 2_000_000)
        let file = TestFixtures.fileBytes(count: fileSize, seed: UInt64(fileSize))
        let request = RawRequest.upload(.upload(file: file), host: server.host)
        let client = try server.connect(timeout: 5)
        try client.send(request.bytes)
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(server.storedBytes(receipt.storedName) == file)
    }

    @Test func uploadSentInSmallPiecesIsStored() throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 150_000, seed: 5)
        let request = RawRequest.upload(.upload(file: file), host: server.host)
        let client = try server.connect(timeout: 5)
        try client.sendInPieces(request.bytes, pieceSize: 1_021)
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(server.storedBytes(receipt.storedName) == file)
    }
}
