import Foundation
import Haptik
import HaptikTestSupport
import Testing

/// Deterministic mode (CONTRACT §8): a fixed clock, a chosen first message id, files named by
/// message id, so two fresh servers answer the same requests identically.
@Suite struct DeterministicModeTests {
    static let moment = Timestamp(iso8601: "2024-01-02T03:04:05.678Z")!
    /// The same Host on both servers, so `file_url`s agree although the ports differ.
    static let host = "mock.test:8080"

    /// A fixed sequence of requests, sent one at a time on fresh connections.
    static func requests() -> [RawRequest] {
        let form = MultipartForm(parts: MultipartForm.upload(messageBody: "golden", file: MagicBytes.png).parts,
                                 boundary: "fixed-boundary")
        let document = MultipartForm(parts: MultipartForm.upload(messageType: "52", file: MagicBytes.pdf,
                                                                 filename: "report.pdf").parts,
                                     boundary: "fixed-boundary")
        return [
            .upload(form, host: host),
            .upload(document, host: host, extraHeaders: [("X-Mock-Session", "s")]),
            .upload(form, host: host, authorization: "Bearer wrong"),
            .get("/content/1000.png", host: host),
            .get("/__admin/uploads", host: host),
            .get("/__admin/uploads/2", host: host),
            .get("/__admin/uploads?wait_for=5&timeout_ms=10", host: host),
        ]
    }

    /// Each answer's status line, headers but `Date`, and body, as bytes.
    private func answers(clock: Timestamp?, messageIDStart: Int?) throws -> [[UInt8]] {
        let server = try TestServer.start(clock: clock, messageIDStart: messageIDStart)
        defer { server.stop() }
        return try Self.requests().map { request in
            let response = try server.send(request)
            var text = "\(response.version) \(response.status) \(response.reason)\r\n"
            for (name, value) in response.headers where name.lowercased() != "date" { text += "\(name): \(value)\r\n" }
            return Array((text + "\r\n").utf8) + response.body
        }
    }

    @Test func twoFreshServersAnswerIdentically() throws {
        let first = try answers(clock: Self.moment, messageIDStart: 1000)
        let second = try answers(clock: Self.moment, messageIDStart: 1000)
        #expect(first.count == Self.requests().count)
        for (index, (a, b)) in zip(first, second).enumerated() {
            #expect(a == b, "answer \(index): \(String(decoding: a, as: UTF8.self)) vs \(String(decoding: b, as: UTF8.self))")
        }
        let receipt = String(decoding: first[0], as: UTF8.self)
        #expect(receipt.contains(#""message_id": 1000"#))
        #expect(receipt.contains(#""created_at": "2024-01-02T03:04:05.678Z""#))
        #expect(receipt.contains(#""file_url": "http://mock.test:8080/content/1000.png""#))
        #expect(String(decoding: first[3], as: UTF8.self).hasPrefix("HTTP/1.1 200"), "GET /content/1000.png")
    }

    /// CONTRACT §8 asks for byte-identical answers, so the `Date` header cannot be real time while the clock is fixed.
    @Test func dateHeaderFollowsTheFixedClock() throws {
        let server = try TestServer.start(clock: Self.moment)
        #expect(try server.get("/__admin/health").header("Date") == "Tue, 02 Jan 2024 03:04:05 GMT")
    }

    @Test func storedNamesAreMessageIDs() throws {
        let server = try TestServer.start(messageIDStart: 42)
        let png = try #require(try server.upload(.upload(file: MagicBytes.png, filename: "a.png"), session: nil).receipt)
        let pdf = try #require(try server.upload(.upload(messageType: "52", file: MagicBytes.pdf, filename: "b"),
                                                 session: nil).receipt)
        #expect(png.messageID == 42 && pdf.messageID == 43)
        #expect(server.storedFiles() == ["42.png", "43.pdf"])
    }

    @Test func clockCanBeSetAndRestored() throws {
        let server = try TestServer.start()
        let set = try server.admin("POST", "/__admin/clock", body: #"{"clock": "2024-01-02T05:04:05.678+02:00"}"#)
        #expect(set.status == 200)
        #expect(set.bodyText == #"{"clock": "2024-01-02T03:04:05.678Z"}"#)
        #expect(try server.upload(.upload(), session: nil).receipt?.createdAt == "2024-01-02T03:04:05.678Z")
        #expect(try server.entries().first?["received_at"] as? String == "2024-01-02T03:04:05.678Z")

        let restored = try server.admin("POST", "/__admin/clock", body: #"{"clock": null}"#)
        #expect(restored.status == 200)
        #expect(restored.bodyText == #"{"clock": null}"#)
        let createdAt = try #require(try server.upload(.upload(), session: nil).receipt?.createdAt)
        let moment = try #require(parseCreatedAt(createdAt))
        #expect(abs(moment.timeIntervalSinceNow) < 60, "real time again: \(createdAt)")
    }

    @Test(arguments: ["", "{}", "not json", #"{"clock": 5}"#, #"{"clock": "yesterday"}"#, #"{"clock": "2024-13-01T00:00:00Z"}"#])
    func badClockBodiesAre400AndChangeNothing(body: String) throws {
        let server = try TestServer.start(clock: Self.moment)
        expectError(try server.admin("POST", "/__admin/clock", body: body), status: 400)
        #expect(try server.upload(.upload(), session: nil).receipt?.createdAt == "2024-01-02T03:04:05.678Z")
    }

    @Test func clockAndMessageIDStartFlagsOfTheBinary() throws {
        let storage = try TemporaryDirectory()
        let mock = try MockProcess(arguments: [
            "--port", "0", "--storage-dir", storage.path, "--fixtures", repositoryFixtures,
            "--clock", "2030-05-06T07:08:09Z", "--message-id-start", "77", "--log-level", "warning",
        ])
        let port = try mock.awaitListening()
        let result = try runCurl([
            "-sS", "--max-time", "20", "http://127.0.0.1:\(port)/v1.0/log_file_from_user/",
            "-H", "Authorization: Bearer demo-token", "-H", "client-id: demo-client",
            "-F", "auth_id=user_001", "-F", "business_id=4321", "-F", "message_type=1", "-F", "file=@\(samplePNG)",
        ])
        let receipt = try JSONDecoder().decode(UploadReceipt.self, from: Data(result.stdout))
        #expect(receipt.messageID == 77)
        #expect(receipt.createdAt == "2030-05-06T07:08:09.000Z")
        #expect(receipt.fileURL == "http://127.0.0.1:\(port)/content/77.png")
        #expect(FileManager.default.fileExists(atPath: storage.appending("77.png")))
        mock.signal()
        mock.expectCleanExit()
    }
}
