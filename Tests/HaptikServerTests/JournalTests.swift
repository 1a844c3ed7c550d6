import Foundation
import HaptikTestSupport
import Testing

/// The journal's entries (CONTRACT §5-§6): what each upload request sent, how it was answered,
/// and what the file was, for accepted, rejected and aborted requests.
@Suite struct JournalTests {
    /// Every key an entry has; `reason` only when the status is not 200.
    static let entryKeys: Set<String> = [
        "id", "received_at", "status", "client_id", "auth_id", "business_id", "message_type", "message_body",
        "file_name", "content_type", "sniffed_type", "size", "sha256", "message_id", "file_url", "bytes_received",
        "session", "warnings", "fault",
    ]

    @Test func acceptedUploadIsJournaledWithEveryField() throws {
        let server = try TestServer.start()
        let file = MagicBytes.png + TestFixtures.fileBytes(count: 5_000)
        let form = MultipartForm.upload(messageBody: "hello", file: file, filename: "cat.png")
        let response = try server.upload(form, session: "journal-1")
        let receipt = try #require(response.receipt)

        let entries = try server.entries()
        try #require(entries.count == 1)
        let entry = entries[0]
        #expect(Set(entry.keys) == Self.entryKeys, "reason is absent on 200 (CONTRACT §6)")
        #expect(entry["id"] as? Int == 1)
        #expect(entry["status"] as? Int == 200)
        #expect(hasCreatedAtFormat(entry["received_at"] as? String ?? ""))
        #expect(entry["client_id"] as? String == TestFixtures.clientID)
        #expect(entry["auth_id"] as? String == TestFixtures.authID)
        #expect(entry["business_id"] as? Int == TestFixtures.businessID)
        #expect(entry["message_type"] as? Int == 1)
        #expect(entry["message_body"] as? String == "hello")
        #expect(entry["file_name"] as? String == "cat.png")
        #expect(entry["content_type"] as? String == "image/png")
        #expect(entry["sniffed_type"] as? String == "png")
        #expect(entry["size"] as? Int == file.count)
        #expect(entry["sha256"] as? String == (try sha256sum(file)))
        #expect(entry["message_id"] as? Int == receipt.messageID)
        #expect(entry["file_url"] as? String == receipt.fileURL)
        #expect(entry["bytes_received"] as? Int == form.body.count)
        #expect(entry["session"] as? String == "journal-1")
        #expect((entry["warnings"] as? [String]) == [])
        #expect(isNull(entry["fault"]))
    }

    @Test func sha256IsTheStoredFilesHash() throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 200_000, seed: 99)
        let receipt = try #require(try server.upload(.upload(file: file), session: nil).receipt)
        let stored = try #require(server.storedBytes(receipt.storedName))
        let entry = try #require(try server.entries().first)
        #expect(entry["sha256"] as? String == (try sha256sum(stored)))
        #expect(stored == file)
    }

    @Test func rejectionAtTheHeadKeepsWhatTheHeadSaid() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(), authorization: "Bearer nope", extraHeaders: [("X-Mock-Session", "s")])
        #expect(response.status == 401)
        let entry = try #require(try server.entries().first)
        #expect(entry["status"] as? Int == 401)
        #expect(entry["reason"] as? String == "token_unknown")
        #expect(entry["client_id"] as? String == TestFixtures.clientID)
        #expect(entry["session"] as? String == "s")
        #expect(entry["bytes_received"] as? Int == 0)
        for key in ["auth_id", "business_id", "message_type", "file_name", "size", "sha256", "message_id", "file_url"] {
            #expect(isNull(entry[key]), "\(key) is null before the body")
        }
        #expect(Set(entry.keys) == Self.entryKeys.union(["reason"]))
    }

    @Test(arguments: [
        (MultipartForm.upload(authID: "nobody", messageBody: "kept"), 403, "user_not_registered"),
        (MultipartForm.upload(authID: nil), 400, "missing_field:auth_id"),
        (MultipartForm.upload(businessID: "999"), 400, "business_id_not_allowed"),
        (MultipartForm.upload(file: nil), 400, "missing_field:file"),
    ])
    func rejectedFormIsJournaledWithItsReason(form: MultipartForm, status: Int, reason: String) throws {
        let server = try TestServer.start()
        let response = try server.upload(form)
        #expect(response.status == status)
        let entry = try #require(try server.entries().first)
        #expect(entry["status"] as? Int == status)
        #expect(entry["reason"] as? String == reason)
        #expect(isNull(entry["message_id"]) && isNull(entry["file_url"]))
        #expect(entry["bytes_received"] as? Int == form.body.count)
        if status == 403 {
            #expect(entry["auth_id"] as? String == "nobody", "a 403 keeps the auth_id it read")
            #expect(entry["message_body"] as? String == "kept")
        }
        expectStorageEmpty(server)
    }

    @Test func clientIDMismatchAndClientIDAreJournaled() throws {
        let server = try TestServer.start()
        _ = try server.upload(.upload(), clientID: TestFixtures.otherClientID)
        let entry = try #require(try server.entries().first)
        #expect(entry["reason"] as? String == "client_id_mismatch")
        #expect(entry["client_id"] as? String == TestFixtures.otherClientID)
    }

    @Test func oversizedFileIsJournaledAsFileTooLarge() throws {
        let server = try TestServer.start(maxFileSize: 1_000)
        let response = try server.upload(.upload(file: TestFixtures.fileBytes(count: 1_001)))
        #expect(response.status == 413)
        let entry = try #require(try server.entries().first)
        #expect(entry["status"] as? Int == 413)
        #expect(entry["reason"] as? String == "file_too_large")
    }

    @Test func oversizedFileIsNotReportedAsEmpty() throws {
        let server = try TestServer.start(maxFileSize: 1_000)
        _ = try server.upload(.upload(file: MagicBytes.png + TestFixtures.fileBytes(count: 2_000)))
        let entry = try #require(try server.entries().first)
        #expect(entry["warnings"] as? [String] == [], "the file was 2108 bytes, not empty")
        let size = entry["size"] as? Int
        #expect(isNull(entry["size"]) || size.map { $0 > 1_000 } == true, "size: \(entry["size"] ?? "?")")
    }

    @Test func malformedMultipartIsJournaled() throws {
        let server = try TestServer.start()
        var form = MultipartForm.upload()
        form.boundary = "other"
        let request = RawRequest.upload(MultipartForm.upload(), host: server.host, contentType: form.contentType)
        #expect(try server.send(request).status == 400)
        let entry = try #require(try server.entries().first)
        #expect(entry["reason"] as? String == "malformed_multipart")
    }

    /// Sends the head and the first `sent` body bytes of a 50 kB upload, then leaves; returns the
    /// aborted entries once the first is journaled.
    private func leaveMidBody(_ server: TestServer, sent: Int) throws -> [[String: Any]] {
        let request = RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: 50_000)), host: server.host,
                                        extraHeaders: [("X-Mock-Session", "gone")])
        let client = try server.connect()
        try client.send(request.head + request.body.prefix(sent))
        client.close()
        let listing = try server.listing("wait_for=1&status=aborted&timeout_ms=5000")
        #expect(listing.timedOut == false)
        return try server.entries("status=aborted")
    }

    @Test func clientLeavingMidBodyIsJournaledOnceAsAborted() throws {
        let server = try TestServer.start()
        let entries = try leaveMidBody(server, sent: 20_000)
        #expect(entries.count == 1, "one request, one entry: \(entries.map { $0["reason"] ?? "?" })")
        let entry = try #require(entries.first)
        #expect(entry["status"] as? String == "aborted")
        #expect((entry["reason"] as? String)?.isEmpty == false)
        #expect(entry["client_id"] as? String == TestFixtures.clientID)
        #expect(entry["session"] as? String == "gone")
        #expect(isNull(entry["message_id"]))
        expectStorageEmpty(server)
    }

    @Test func abortedEntryCountsTheBodyBytesRead() throws {
        let server = try TestServer.start()
        let entry = try #require(try leaveMidBody(server, sent: 20_000).first)
        let received = try #require(entry["bytes_received"] as? Int)
        #expect(received > 0 && received <= 20_000, "20000 body bytes were sent before leaving; bytes_received: \(received)")
    }

    @Test(arguments: [
        (MultipartForm.upload(messageType: "1", file: MagicBytes.pdf, filename: "doc.pdf"), "message_type_mismatch"),
        (MultipartForm.upload(file: MagicBytes.jpeg, filename: "photo.png"), "extension_mismatch"),
        (MultipartForm.upload(file: [], filename: "empty.png"), "empty_file"),
        (MultipartForm(parts: [.text("auth_id", TestFixtures.authID), .text("business_id", "4321"),
                               .text("message_type", "1"), .field(name: "message_body", value: [0x61, 0xFF]),
                               .file(name: "file", filename: "a.png", contentType: "image/png", bytes: MagicBytes.png)]),
         "invalid_utf8"),
    ])
    func warningsTellTheTestAuthorWithoutChangingTheAnswer(form: MultipartForm, warning: String) throws {
        let server = try TestServer.start()
        let response = try server.upload(form)
        #expect(response.status == 200, "warnings never change the answer; body: \(response.bodyText)")
        let entry = try #require(try server.entries().first)
        #expect((entry["warnings"] as? [String]) == [warning])
    }

    @Test func sniffedTypeComesFromTheBytesNotTheName() throws {
        let server = try TestServer.start()
        _ = try server.upload(.upload(messageType: "52", file: MagicBytes.pdf, filename: "x.bin",
                                      fileContentType: "application/octet-stream"))
        _ = try server.upload(.upload(file: TestFixtures.fileBytes(count: 100), filename: "y.png"))
        let entries = try server.entries()
        #expect(entries.map { $0["sniffed_type"] as? String } == ["pdf", nil])
        #expect(entries.map { $0["message_type"] as? Int } == [52, 1])
        #expect(entries.map { ($0["warnings"] as? [String]) ?? ["?"] } == [[], []])
    }

    @Test func nonNumericBusinessIDIsKeptAsText() throws {
        let server = try TestServer.start()
        _ = try server.upload(.upload(businessID: "abc", messageType: "x"))
        let entry = try #require(try server.entries().first)
        #expect(entry["business_id"] as? String == "abc")
        #expect(entry["message_type"] as? String == "x")
    }
}
