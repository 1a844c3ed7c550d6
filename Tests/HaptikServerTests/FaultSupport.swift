import Foundation
import HaptikTestSupport
import Testing

// Helpers for the fault suites (CONTRACT §10): installing rules, and sending a request whose
// connection a fault ends without an answer.

extension TestServer {
    /// `POST /__admin/faults` with `rule`; expects 201 and returns the rule's id.
    @discardableResult
    func addFault(_ rule: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let response = try admin("POST", "/__admin/faults", body: rule)
        #expect(response.status == 201, "body: \(response.bodyText)", sourceLocation: sourceLocation)
        return try #require(response.jsonObject?["id"] as? Int, sourceLocation: sourceLocation)
    }

    /// `GET /__admin/faults`'s rules.
    func faultRules(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let response = try get("/__admin/faults")
        #expect(response.status == 200, sourceLocation: sourceLocation)
        return try #require(response.jsonObject?["faults"] as? [[String: Any]], sourceLocation: sourceLocation)
    }

    /// The only journal entry, once it exists (aborted entries are written as the server closes).
    func onlyEntry(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let listing = try self.listing("wait_for=1&timeout_ms=5000", sourceLocation: sourceLocation)
        try #require(listing.uploads.count == 1, sourceLocation: sourceLocation)
        return listing.uploads[0]
    }
}

/// A journal entry's `fault`: `{"rule_id": N|null, "action": "..."}`.
struct JournaledFault: Equatable, CustomStringConvertible {
    let ruleID: Int?
    let action: String

    init(ruleID: Int?, action: String) {
        self.ruleID = ruleID
        self.action = action
    }

    /// The entry's fault; nil when it is null (or not of that shape).
    init?(_ entry: [String: Any]) {
        guard let fault = entry["fault"] as? [String: Any], fault.count == 2, let action = fault["action"] as? String
        else { return nil }
        if let id = fault["rule_id"] as? Int {
            ruleID = id
        } else if isNull(fault["rule_id"]) {
            ruleID = nil
        } else {
            return nil
        }
        self.action = action
    }

    var description: String { "\(ruleID.map(String.init) ?? "null") \(action)" }
}

/// How a connection ended that got no answer.
struct Unanswered {
    /// Whether sending the request failed because the server had reset the connection.
    var sendFailed: Bool
    var end: RawHTTPClient.StreamEnd?
    var received: [UInt8]

    /// A reset the client noticed, on sending or on reading.
    var wasReset: Bool { end == .reset || sendFailed }
}

extension RawHTTPClient {
    /// Sends `bytes` and reads until the server ends the connection, tolerating a send cut short by
    /// a reset.
    func sendExpectingNoAnswer(_ bytes: [UInt8]) throws -> Unanswered {
        do {
            try send(bytes)
        } catch {
            return Unanswered(sendFailed: true, end: nil, received: [])
        }
        let (received, end) = try readUntilEnd()
        return Unanswered(sendFailed: false, end: end, received: received)
    }
}

/// Seconds `body` took.
func secondsTaken<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try body()
    let elapsed = clock.now - start
    return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
