import Foundation
import HaptikMockTesting
import HaptikTestSupport
import Testing

/// The `HaptikMockTesting` library (issue 3, item 10), used as a Swift SDK's tests would: start,
/// upload over real HTTP, wait, read typed entries, reset, stop.
@Suite struct InProcessAPITests {
    static let fixtures = MockHaptik.Fixtures(clients: [
        .init(clientID: "sdk-client", tokens: ["sdk-token"], authIDs: ["user_001"], businessIDs: [4321]),
    ])

    /// Uploads `file` to `mock` with a raw HTTP request, as the SDK under test would.
    private func upload(_ file: [UInt8], to mock: MockHaptik, session: String, token: String = "sdk-token") throws -> RawResponse {
        let form = MultipartForm.upload(messageBody: "from the SDK", file: file, filename: "scan.pdf", fileContentType: "application/pdf")
        let host = String(mock.baseURL.dropFirst("http://".count))
        let request = RawRequest.upload(form, host: host, authorization: "Bearer \(token)", clientID: "sdk-client",
                                        extraHeaders: [("X-Mock-Session", session)])
        let client = try RawHTTPClient(port: mock.port)
        try client.send(request.bytes)
        return try client.readResponse()
    }

    @Test func startUploadWaitInspectResetStop() async throws {
        let mock = try MockHaptik.start(fixtures: Self.fixtures, clock: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(mock.baseURL == "http://127.0.0.1:\(mock.port)")
        #expect(mock.port > 0)
        let file = MagicBytes.pdf + TestFixtures.fileBytes(count: 10_000)
        #expect(try upload(file, to: mock, session: "sdk").status == 200)
        #expect(try upload(file, to: mock, session: "other", token: "wrong").status == 401)

        let uploads = try await mock.waitForUploads(count: 1, session: "sdk", timeout: .seconds(5))
        let upload = try #require(uploads.first)
        #expect(uploads.count == 1)
        #expect(upload.status == .answered(200))
        #expect(upload.reason == nil)
        #expect(upload.clientID == "sdk-client" && upload.authID == "user_001" && upload.businessID == "4321")
        #expect(upload.messageType == "1" && upload.messageBody == "from the SDK")
        #expect(upload.fileName == "scan.pdf" && upload.contentType == "application/pdf")
        #expect(upload.sniffedType == "pdf")
        #expect(upload.warnings == ["message_type_mismatch"])
        #expect(upload.size == file.count)
        #expect(upload.sha256 == (try sha256sum(file)))
        #expect(upload.receivedAt == Date(timeIntervalSince1970: 1_700_000_000))
        let path = try #require(upload.storedPath)
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == file)
        #expect(mock.uploads().map(\.status) == [.answered(200), .answered(401)])
        #expect(mock.uploads(session: "other").first?.reason == "token_unknown")

        mock.reset(session: "sdk")
        #expect(mock.uploads().map(\.session) == ["other"])
        #expect(!FileManager.default.fileExists(atPath: path))
        mock.reset()
        #expect(mock.uploads().isEmpty)

        let storage = mock.storageDirectory
        mock.stop()
        #expect(!FileManager.default.fileExists(atPath: storage), "the temporary storage is removed")
        #expect(throws: RawHTTPClientError.self) { try RawHTTPClient(port: mock.port, timeout: 2) }
    }

    @Test func faultRulesInProcess() async throws {
        let mock = try MockHaptik.start(fixtures: Self.fixtures)
        defer { mock.stop() }
        let id = try mock.addFault(#"{"status": 503, "times": 1}"#)
        let file = TestFixtures.fileBytes(count: 1_000)
        #expect(try upload(file, to: mock, session: "retry").status == 503)
        #expect(try upload(file, to: mock, session: "retry").status == 200)
        let uploads = try await mock.waitForUploads(count: 2, session: "retry")
        #expect(uploads.map(\.fault) == [RecordedUpload.Fault(ruleID: id, action: "status"), nil])
        #expect(uploads.first?.status == .answered(503))
        #expect(!mock.removeFault(id: id), "retired after its one time")

        let always = try mock.addFault(#"{"delay_ms": 1}"#)
        #expect(mock.removeFault(id: always))
        try mock.addFault(#"{"status": 500}"#)
        mock.removeFaults()
        #expect(try upload(file, to: mock, session: "after").status == 200)
        #expect {
            try mock.addFault(#"{"status": 503, "colour": "red"}"#)
        } throws: { error in
            guard case MockHaptikError.invalidFault(let message) = error else { return false }
            return message.contains("colour")
        }
    }

    @Test func waitTimesOutWithWhatThereIs() async throws {
        let mock = try MockHaptik.start(fixtures: Self.fixtures)
        defer { mock.stop() }
        _ = try upload(MagicBytes.pdf, to: mock, session: "one")
        await #expect(throws: MockHaptikError.self) {
            try await mock.waitForUploads(count: 2, session: "one", timeout: .milliseconds(100))
        }
        do {
            _ = try await mock.waitForUploads(count: 2, session: "one", timeout: .milliseconds(50))
        } catch MockHaptikError.timedOut(let found) {
            #expect(found.map(\.session) == ["one"])
        }
    }

    @Test func givenStorageDirectoryIsKept() throws {
        let directory = try TemporaryDirectory()
        let mock = try MockHaptik.start(fixtures: Self.fixtures, storageDirectory: directory.appending("a/b"), messageIDStart: 9)
        #expect(try upload(MagicBytes.pdf, to: mock, session: "s").status == 200)
        #expect(mock.uploads().first?.storedPath == directory.appending("a/b/9.pdf"))
        #expect(mock.fixtures == Self.fixtures)
        mock.stop()
        #expect(FileManager.default.fileExists(atPath: directory.appending("a/b/9.pdf")))
    }
}
