import Foundation
@testable import HaptikServer
import HaptikTestSupport
import Testing

/// `GET /__admin/openapi.json` (CONTRACT §9): the source's document, valid OpenAPI 3.1, and the
/// server's real answers match its schemas.
@Suite struct OpenAPITests {
    @Test func servedDocumentIsTheSourceAndValidOpenAPI31() throws {
        let server = try TestServer.start()
        let response = try server.get("/__admin/openapi.json")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.body == Array(OpenAPIDocument.text.utf8))
        let document = try #require(response.jsonObject)
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = Set((document["paths"] as? [String: Any] ?? [:]).keys)
        #expect(paths == [
            "/v1.0/log_file_from_user/", "/content/{name}", "/__admin/health", "/__admin/uploads",
            "/__admin/uploads/{id}", "/__admin/clock", "/__admin/fixtures", "/__admin/openapi.json",
            "/__admin/faults", "/__admin/faults/{id}",
        ])
        let outcome = try OpenAPIChecker.run(document: response.bodyText, checks: [])
        #expect(outcome.documentError == nil, "\(outcome.documentError ?? "")")
    }

    @Test func realAnswersMatchTheirSchemas() throws {
        let server = try TestServer.start(maxFileSize: 1_000)
        var checks: [OpenAPIChecker.Check] = []
        func record(_ path: String, _ method: String, _ response: RawResponse) {
            #expect(response.header("Content-Type") == "application/json", "\(method) \(path)")
            checks.append(.init(path: path, method: method, status: response.status, instance: response.bodyText))
        }
        let upload = "/v1.0/log_file_from_user/"
        record(upload, "post", try server.upload(.upload(messageBody: "hi", file: MagicBytes.png), session: "s"))
        record(upload, "post", try server.upload(.upload(file: MagicBytes.pdf, filename: "x.png"), session: nil))
        record(upload, "post", try server.upload(.upload(file: MagicBytes.png), authorization: "Bearer bad"))
        record(upload, "post", try server.upload(.upload(authID: "nobody", file: MagicBytes.png)))
        record(upload, "post", try server.upload(.upload(businessID: "abc", file: MagicBytes.png)))
        record(upload, "post", try server.upload(.upload(file: TestFixtures.fileBytes(count: 1_001))))
        let partial = RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: 900)), host: server.host)
        let leaving = try server.connect()
        try leaving.send(partial.head + partial.body.prefix(300))
        leaving.close()

        record("/__admin/uploads", "get", try server.get("/__admin/uploads?wait_for=7&timeout_ms=10000"))
        record("/__admin/uploads", "get", try server.get("/__admin/uploads?wait_for=99&timeout_ms=10"))
        record("/__admin/uploads", "get", try server.get("/__admin/uploads?limit=x"))
        record("/__admin/uploads/{id}", "get", try server.get("/__admin/uploads/1"))
        record("/__admin/uploads/{id}", "get", try server.get("/__admin/uploads/3"))
        record("/__admin/uploads/{id}", "get", try server.get("/__admin/uploads/7"))
        record("/__admin/uploads/{id}", "get", try server.get("/__admin/uploads/1000"))
        record("/content/{name}", "get", try server.get("/content/missing.png"))
        record("/__admin/health", "get", try server.get("/__admin/health"))
        record("/__admin/clock", "post", try server.admin("POST", "/__admin/clock", body: #"{"clock": "2024-01-02T03:04:05Z"}"#))
        record("/__admin/clock", "post", try server.admin("POST", "/__admin/clock", body: #"{"clock": null}"#))
        record("/__admin/clock", "post", try server.admin("POST", "/__admin/clock", body: "{}"))
        record("/__admin/fixtures", "get", try server.get("/__admin/fixtures"))
        record("/__admin/fixtures", "put", try server.admin("PUT", "/__admin/fixtures", body: LiveFixturesTests.replacement))
        record("/__admin/fixtures", "put", try server.admin("PUT", "/__admin/fixtures", body: "[]"))
        record("/__admin/uploads", "delete", try server.admin("DELETE", "/__admin/uploads?session=s"))
        record("/__admin/uploads", "delete", try server.admin("DELETE", "/__admin/uploads"))
        let rule = #"{"status": 503, "body": {"error_message": "busy"}, "headers": {"Retry-After": "1"}, "times": 1}"#
        record("/__admin/faults", "post", try server.admin("POST", "/__admin/faults", body: rule))
        record("/__admin/faults", "post", try server.admin("POST", "/__admin/faults", body: #"{"stall_after_bytes": 5, "stall_ms": 10, "session": "x"}"#))
        record("/__admin/faults", "post", try server.admin("POST", "/__admin/faults", body: #"{"delay_ms": 1}"#))
        record("/__admin/faults", "post", try server.admin("POST", "/__admin/faults", body: #"{"probability": 0.5}"#))
        record(upload, "post", try server.upload(.upload(businessID: "7", file: MagicBytes.png),   // the replaced fixtures' client
                                                 authorization: "Bearer new-token", clientID: "new-client"))
        record("/__admin/faults", "get", try server.get("/__admin/faults"))
        record("/__admin/faults/{id}", "delete", try server.admin("DELETE", "/__admin/faults/3"))
        record("/__admin/faults/{id}", "delete", try server.admin("DELETE", "/__admin/faults/3"))
        record("/__admin/faults", "delete", try server.admin("DELETE", "/__admin/faults"))
        record("/__admin/uploads", "get", try server.get("/__admin/uploads"))

        let statuses = checks.map(\.status)
        #expect(statuses == [200, 200, 401, 403, 400, 413, 200, 200, 400, 200, 200, 200, 404, 404, 200, 200, 200,
                             400, 200, 200, 400, 200, 200, 201, 201, 201, 400, 503, 200, 200, 404, 200, 200])
        let outcome = try OpenAPIChecker.run(document: OpenAPIDocument.text, checks: checks)
        for (check, violations) in zip(checks, outcome.violations) {
            #expect(violations.isEmpty, "\(check.method) \(check.path) \(check.status): \(violations) in \(check.instance)")
        }
        #expect(outcome.violations.count == checks.count)
    }

    /// The schemas are strict enough to mean something: a real entry passes, and the same entry
    /// with a key missing, a wrong type or an extra key does not.
    @Test func entrySchemaRejectsWhatTheContractForbids() throws {
        let server = try TestServer.start()
        _ = try server.upload(.upload(authID: "nobody"))
        let entry = try #require(try server.entries().first)
        func variant(_ change: (inout [String: Any]) -> Void) throws -> String {
            var copy = entry
            change(&copy)
            return String(decoding: try JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
        }
        let instances = [
            try variant { _ in },
            try variant { $0["sha256"] = nil },
            try variant { $0["status"] = "403" },
            try variant { $0["size"] = "12" },
            try variant { $0["warnings"] = ["something_else"] },
            try variant { $0["extra"] = 1 },
            try variant { $0["reason"] = nil },
            try variant { $0["received_at"] = "2024-01-02 03:04:05" },
        ]
        let checks = instances.map { OpenAPIChecker.Check(path: "/__admin/uploads/{id}", method: "get", status: 200, instance: $0) }
        let outcome = try OpenAPIChecker.run(document: OpenAPIDocument.text, checks: checks)
        #expect(outcome.violations.first == [], "the real entry: \(instances[0])")
        for (instance, violations) in zip(instances, outcome.violations).dropFirst() {
            #expect(!violations.isEmpty, "accepted: \(instance)")
        }
    }
}
