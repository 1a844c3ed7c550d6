import Foundation
import HaptikTestSupport
import Testing

/// Which requests a fault hits (CONTRACT §10): matchers, seeded probability, the order of rules,
/// `X-Mock-Fault` with and without `--allow-fault-headers`, and requests the head checks refuse.
@Suite struct FaultSelectionTests {
    private static func statuses(_ server: TestServer, count: Int, headers: [(name: String, value: String)] = []) throws -> [Int] {
        try (0..<count).map { _ in try server.upload(.upload(), extraHeaders: headers).status }
    }

    @Test func probabilityWithASeedGivesTheSameSequenceOnAFreshServer() throws {
        let rule = #"{"status": 503, "probability": 0.5, "seed": 1234}"#
        var sequences: [[Int]] = []
        for _ in 0..<2 {
            let server = try TestServer.start()
            try server.addFault(rule)
            sequences.append(try Self.statuses(server, count: 30))
        }
        #expect(sequences[0] == sequences[1])
        #expect(sequences[0].contains(503) && sequences[0].contains(200), "\(sequences[0])")
        let other = try TestServer.start()
        try other.addFault(#"{"status": 503, "probability": 0.5, "seed": 99}"#)
        #expect(try Self.statuses(other, count: 30) != sequences[0], "another seed, another sequence")
    }

    @Test func clientAndSessionMatchersPickTheirRequestsOnly() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"status": 500, "client_id": "other-client"}"#)
        try server.addFault(#"{"status": 502, "session": "flaky"}"#)
        #expect(try server.upload(.upload()).status == 200)
        #expect(try server.upload(.upload(), session: "flaky", expecting: 502).status == 502)
        let other = try server.upload(.upload(authID: "someone", businessID: "1"),
                                      authorization: "Bearer \(TestFixtures.otherToken)", clientID: TestFixtures.otherClientID)
        #expect(other.status == 500)
    }

    @Test func bodyMatchersPickAnswerFaultsByAuthIDAndMessageType() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"status": 500, "auth_id": "user_002"}"#)
        try server.addFault(#"{"status": 502, "message_type": 52}"#)
        #expect(try server.upload(.upload()).status == 200)
        #expect(try server.upload(.upload(authID: "user_002")).status == 500)
        #expect(try server.upload(.upload(messageType: "52", filename: "a.pdf")).status == 502)
    }

    @Test func theOldestMatchingRuleWinsAndOthersDoNotCount() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"status": 500, "times": 1}"#)
        try server.addFault(#"{"status": 502, "times": 1}"#)
        #expect(try Self.statuses(server, count: 3) == [500, 502, 200])
    }

    @Test func preBodyRuleDoesNotStopAnAnswerRuleFromCountingLater() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"throttle_bytes_per_sec": 10000000, "times": 1}"#)
        try server.addFault(#"{"status": 503, "times": 1}"#)
        // One fault per request: the throttled one is answered normally; the next gets the 503.
        #expect(try Self.statuses(server, count: 3) == [200, 503, 200])
    }

    @Test func requestsRefusedByTheHeadChecksAreNotFaulted() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"reset_before_body": true, "times": 1}"#)
        expectError(try server.upload(.upload(), authorization: "Bearer wrong"), status: 401)
        #expect(try server.faultRules().first?["fired"] as? Int == 0)
        #expect(try server.entries().first?["fault"].map(isNull) == true)
    }

    @Test func faultHeaderIsIgnoredWithoutTheSwitch() throws {
        let server = try TestServer.start()
        let headers = [(name: "X-Mock-Fault", value: "status=503")]
        #expect(try server.upload(.upload(), extraHeaders: headers).status == 200)
        let invalid = [(name: "X-Mock-Fault", value: "nonsense")]
        #expect(try server.upload(.upload(), extraHeaders: invalid).status == 200, "not even checked")
        #expect(try server.entries().allSatisfy { isNull($0["fault"]) })
    }

    @Test func faultHeaderCountsTimesPerIdenticalValue() throws {
        let server = try TestServer.start(allowsFaultHeaders: true)
        let twice = [(name: "X-Mock-Fault", value: "status=503;times=2")]
        let once = [(name: "X-Mock-Fault", value: "status=502; times=1")]
        #expect(try Self.statuses(server, count: 3, headers: twice) == [503, 503, 200])
        #expect(try Self.statuses(server, count: 2, headers: once) == [502, 200])
        #expect(try server.upload(.upload()).status == 200, "requests without the header are untouched")
        let faults = try server.entries().map(JournaledFault.init)
        let header = JournaledFault(ruleID: nil, action: "status")
        #expect(faults == [header, header, nil, header, nil, nil])
    }

    @Test func faultHeaderComesBeforeRules() throws {
        let server = try TestServer.start(allowsFaultHeaders: true)
        try server.addFault(#"{"status": 500}"#)
        let headers = [(name: "X-Mock-Fault", value: #"status=418;body={"error_message": "teapot; short"}"#)]
        let response = try server.upload(.upload(), extraHeaders: headers)
        #expect(response.status == 418)
        #expect(response.errorMessage == "teapot; short")
        #expect(try server.upload(.upload()).status == 500)
    }

    @Test func faultHeaderCanResetThisRequestOnly() throws {
        let server = try TestServer.start(allowsFaultHeaders: true)
        let request = RawRequest.upload(.upload(), host: server.host, extraHeaders: [("X-Mock-Fault", "reset_before_body=true")])
        let outcome = try server.connect().sendExpectingNoAnswer(request.head)
        #expect(outcome.wasReset && outcome.received.isEmpty)
        #expect(try server.upload(.upload()).status == 200)
    }

    @Test(arguments: ["status=abc", "colour=red", "status", "status=503;status=500", "reset_before_body=true;auth_id=x"])
    func invalidFaultHeaderIsA400BeforeTheBody(value: String) throws {
        let server = try TestServer.start(allowsFaultHeaders: true)
        let response = try server.upload(.upload(), extraHeaders: [("X-Mock-Fault", value)])
        expectError(response, status: 400)
        #expect(response.errorMessage?.hasPrefix("invalid X-Mock-Fault") == true, "\(response.bodyText)")
        #expect(response.header("connection") == "close", "a head check: answered before the body")
        let entry = try server.onlyEntry()
        #expect(entry["reason"] as? String == "invalid_fault_header")
        expectStorageEmpty(server)
    }
}
