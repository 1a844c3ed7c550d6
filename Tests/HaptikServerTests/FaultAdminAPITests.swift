import Foundation
import HaptikTestSupport
import Testing

/// `/__admin/faults` (CONTRACT §10): rules are added, listed as sent with `id` and `fired`,
/// removed one by one or all at once; invalid rules are refused with a 400 naming the problem.
@Suite struct FaultAdminAPITests {
    @Test func addedRuleIsEchoedWithTheSameJSONTypesPlusIDAndFired() throws {
        let server = try TestServer.start()
        let response = try server.admin("POST", "/__admin/faults", body: """
            {"status": 503, "body": {"error_message": "busy", "retry": [1, 2.5]}, "headers": {"Retry-After": "3"},
             "client_id": "acme-client", "times": 2, "probability": 0.5, "seed": 42}
            """)
        #expect(response.status == 201)
        #expect(response.header("content-type") == "application/json")
        #expect(response.bodyText == """
            {"id": 1, "status": 503, "body": {"error_message": "busy", "retry": [1, 2.5]}, "headers": {"Retry-After": "3"}, \
            "client_id": "acme-client", "times": 2, "probability": 0.5, "seed": 42, "fired": 0}
            """)
        #expect(try server.addFault(#"{"delay_ms": 10}"#) == 2, "ids increase")
    }

    @Test func listingShowsRulesOldestFirstWithHowOftenTheyFired() throws {
        let server = try TestServer.start()
        let first = try server.addFault(#"{"status": 500, "session": "never"}"#)
        let second = try server.addFault(#"{"delay_ms": 0}"#)
        try server.upload(session: nil)
        try server.upload(session: nil)
        let rules = try server.faultRules()
        #expect(rules.compactMap { $0["id"] as? Int } == [first, second])
        #expect(rules.compactMap { $0["fired"] as? Int } == [0, 2])
        #expect(rules[0]["session"] as? String == "never")
    }

    @Test func deletingOneRuleLeavesTheOthers() throws {
        let server = try TestServer.start()
        let first = try server.addFault(#"{"status": 500}"#)
        let second = try server.addFault(#"{"status": 502}"#)
        let deleted = try server.admin("DELETE", "/__admin/faults/\(first)")
        #expect(deleted.status == 200)
        #expect(deleted.bodyText == #"{"status":"ok"}"#)
        #expect(try server.faultRules().compactMap { $0["id"] as? Int } == [second])
        expectError(try server.admin("DELETE", "/__admin/faults/\(first)"), status: 404)
        expectError(try server.admin("DELETE", "/__admin/faults/nine"), status: 404)
        try server.upload(session: nil, expecting: 502)
    }

    @Test func deletingAllRulesRestoresNormalAnswersAndIDsContinue() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"status": 500}"#)
        try server.addFault(#"{"reset_before_body": true}"#)
        let deleted = try server.admin("DELETE", "/__admin/faults")
        #expect(deleted.status == 200)
        #expect(try server.faultRules().isEmpty)
        try server.upload(session: nil, expecting: 200)
        #expect(try server.addFault(#"{"status": 500}"#) == 3)
    }

    @Test(arguments: [
        (#"{"status": 503, "colour": "red"}"#, "colour"),
        (#"{"status": "503"}"#, "status"),
        (#"{"status": 503, "times": 1.5}"#, "times"),
        (#"{"status": 503, "times": 0}"#, "times"),
        (#"{"status": 503, "probability": 2}"#, "probability"),
        (#"{"status": 503, "seed": 1}"#, "seed"),
        (#"{"client_id": "acme-client"}"#, "action"),
        (#"{"status": 503, "delay_ms": 10}"#, "status and delay_ms"),
        (#"{"reset_before_body": true, "auth_id": "user_001"}"#, "auth_id"),
        (#"{"stall_after_bytes": 10, "message_type": 1}"#, "message_type"),
        (#"{"reset_before_body": false}"#, "reset_before_body"),
        (#"{"stall_ms": 100}"#, "stall_ms"),
        (#"{"status": 204}"#, "status"),
        (#"{"status": 503, "headers": {"Content-Length": "5"}}"#, "Content-Length"),
        (#"[{"status": 503}]"#, "object"),
        (#"{"status": 503,}"#, "JSON"),
        ("", "JSON"),
    ])
    func invalidRuleIsRefusedWithItsReason(rule: String, mentioned: String) throws {
        let server = try TestServer.start()
        let response = try server.admin("POST", "/__admin/faults", body: rule)
        expectError(response, status: 400)
        #expect(response.errorMessage?.contains(mentioned) == true, "\(response.bodyText)")
        #expect(try server.faultRules().isEmpty, "nothing was installed")
    }

    @Test(arguments: [("PUT", "/__admin/faults", "GET, POST, DELETE"), ("GET", "/__admin/faults/1", "DELETE")])
    func otherMethodsGet405(method: String, target: String, allow: String) throws {
        let server = try TestServer.start()
        let response = try server.admin(method, target)
        expectError(response, status: 405)
        #expect(response.header("allow") == allow)
    }

    @Test func faultsAreReachableInProcess() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"status": 500}"#)
        #expect(String(decoding: server.server.faults.json, as: UTF8.self).contains(#""status": 500"#))
        server.server.faults.removeAll()
        try server.upload(session: nil, expecting: 200)
    }
}
