@testable import Haptik
import Testing

/// `FaultRules` (CONTRACT §10): the rules in force, how they are listed, and which one a request
/// gets at each stage; `FaultDraws`, the seeded draws behind `probability`.
@Suite struct FaultRulesTests {
    let rules = FaultRules()

    func rule(_ json: String) throws -> FaultRule { try FaultRule(json: Array(json.utf8)) }
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Installs `json` and returns the listing `add` answered with.
    @discardableResult
    func add(_ json: String, to rules: FaultRules? = nil) throws -> String {
        text((rules ?? self.rules).add(try rule(json)).json)
    }

    func header(_ value: String) throws -> FaultHeader { try FaultHeader(value) }

    static let anyone = FaultRequest(clientID: "acme-client", session: nil)

    func fault(_ stage: FaultStage, _ request: FaultRequest = FaultRulesTests.anyone, header: FaultHeader? = nil,
               in rules: FaultRules? = nil) -> AppliedFault? {
        (rules ?? self.rules).fault(at: stage, header: header, for: request)
    }

    // MARK: - Installing and listing

    /// `add` answers the rule as listed: its id, the fields as sent, then `fired`; ids increase.
    @Test func addListsTheRuleWithAnIDAndItsFieldsAsSent() throws {
        #expect(try add(#"{"status":503,"times":2}"#) == #"{"id": 1, "status": 503, "times": 2, "fired": 0}"#)
        #expect(try add(#"{"probability": 0.50, "seed": 7, "body": {"b": [1,2], "a": "x"}, "status": 500}"#)
            == #"{"id": 2, "probability": 0.50, "seed": 7, "body": {"b": [1, 2], "a": "x"}, "status": 500, "fired": 0}"#)
        #expect(try add(#"{"client_id": "c", "reset_before_body": true}"#)
            == #"{"id": 3, "client_id": "c", "reset_before_body": true, "fired": 0}"#)
    }

    /// `json` lists every rule in force, oldest first, with how often each fired.
    @Test func jsonListsRulesOldestFirstWithFiredCounts() throws {
        #expect(text(rules.json) == #"{"faults": []}"#)
        try add(#"{"delay_ms": 5}"#)
        try add(#"{"reset_before_body": true}"#)
        #expect(text(rules.json) == #"{"faults": [{"id": 1, "delay_ms": 5, "fired": 0}, {"id": 2, "reset_before_body": true, "fired": 0}]}"#)
        _ = fault(.answer)
        _ = fault(.answer)
        _ = fault(.head)
        #expect(text(rules.json) == #"{"faults": [{"id": 1, "delay_ms": 5, "fired": 2}, {"id": 2, "reset_before_body": true, "fired": 1}]}"#)
        // The listing is valid JSON that keeps the order.
        let listed = try JSONValue(parsing: rules.json)
        #expect(listed.bytes == rules.json)
    }

    /// `remove(id:)` removes that rule only, once; unknown ids answer false.
    @Test func removeTakesOutOneRule() throws {
        try add(#"{"delay_ms": 1}"#)
        try add(#"{"delay_ms": 2}"#)
        try add(#"{"delay_ms": 3}"#)
        #expect(rules.remove(id: 2))
        #expect(!rules.remove(id: 2))
        #expect(!rules.remove(id: 0))
        #expect(!rules.remove(id: 99))
        #expect(text(rules.json) == #"{"faults": [{"id": 1, "delay_ms": 1, "fired": 0}, {"id": 3, "delay_ms": 3, "fired": 0}]}"#)
        #expect(fault(.answer)?.ruleID == 1)
        #expect(rules.remove(id: 1))
        #expect(fault(.answer)?.ruleID == 3)
        #expect(rules.remove(id: 3))
        #expect(fault(.answer) == nil)
        #expect(text(rules.json) == #"{"faults": []}"#)
    }

    /// `removeAll` empties the rules; ids continue after it.
    @Test func removeAllEmptiesAndIDsContinue() throws {
        try add(#"{"delay_ms": 1}"#)
        try add(#"{"reset_before_body": true}"#)
        rules.removeAll()
        #expect(text(rules.json) == #"{"faults": []}"#)
        #expect(fault(.head) == nil)
        #expect(fault(.answer) == nil)
        #expect(!rules.remove(id: 1))
        #expect(try add(#"{"delay_ms": 1}"#) == #"{"id": 3, "delay_ms": 1, "fired": 0}"#)
    }

    // MARK: - Stages and matchers

    /// With no rule and no header, no request gets a fault.
    @Test func nothingInForceMeansNoFault() {
        #expect(fault(.head) == nil)
        #expect(fault(.answer) == nil)
        #expect(fault(.answer, FaultRequest(clientID: nil, session: nil)) == nil)
    }

    /// A pre-body rule only applies at the head, an answer rule only once the body was read.
    @Test(arguments: [
        (#"{"reset_before_body": true}"#, FaultAction.resetBeforeBody, FaultStage.head),
        (#"{"reset_after_bytes": 3}"#, .resetAfterBytes(3), .head),
        (#"{"stall_after_bytes": 3, "stall_ms": 10}"#, .stallAfterBytes(3, milliseconds: 10), .head),
        (#"{"throttle_bytes_per_sec": 100}"#, .throttle(bytesPerSecond: 100), .head),
        (#"{"delay_ms": 10}"#, .delay(milliseconds: 10), .answer),
        (#"{"close_after_response": true}"#, .closeAfterResponse, .answer),
    ])
    func rulesApplyOnlyAtTheirStage(json: String, action: FaultAction, stage: FaultStage) throws {
        try add(json)
        let other: FaultStage = stage == .head ? .answer : .head
        #expect(fault(other) == nil)
        #expect(fault(stage) == AppliedFault(ruleID: 1, action: action))
        #expect(fault(other) == nil)
    }

    /// With one rule for each stage, each stage gets its own.
    @Test func eachStageGetsItsOwnRule() throws {
        try add(#"{"reset_after_bytes": 10}"#)
        try add(#"{"status": 503}"#)
        #expect(fault(.head) == AppliedFault(ruleID: 1, action: .resetAfterBytes(10)))
        #expect(fault(.answer)?.ruleID == 2)
        #expect(fault(.answer)?.action.fieldName == "status")
    }

    /// Matchers compare the head's client id and session at the head, and the body's auth id and
    /// message type after the body.
    @Test(arguments: [
        (#"{"client_id": "acme-client", "reset_before_body": true}"#, FaultStage.head,
         FaultRequest(clientID: "acme-client", session: nil), FaultRequest(clientID: "other", session: nil)),
        (#"{"client_id": "acme-client", "reset_before_body": true}"#, .head,
         FaultRequest(clientID: "acme-client", session: "s"), FaultRequest(clientID: nil, session: "s")),
        (#"{"session": "run-7", "throttle_bytes_per_sec": 10}"#, .head,
         FaultRequest(clientID: nil, session: "run-7"), FaultRequest(clientID: "acme-client", session: "run-8")),
        (#"{"session": "run-7", "status": 500}"#, .answer,
         FaultRequest(clientID: nil, session: "run-7"), FaultRequest(clientID: nil, session: nil)),
        (#"{"auth_id": "user_001", "status": 500}"#, .answer,
         FaultRequest(clientID: "c", session: nil, authID: "user_001"), FaultRequest(clientID: "c", session: nil, authID: "user_002")),
        (#"{"message_type": 52, "delay_ms": 1}"#, .answer,
         FaultRequest(clientID: "c", session: nil, messageType: 52), FaultRequest(clientID: "c", session: nil, messageType: 1)),
        (#"{"client_id": "c", "auth_id": "u", "message_type": 1, "close_after_response": true}"#, .answer,
         FaultRequest(clientID: "c", session: nil, authID: "u", messageType: 1),
         FaultRequest(clientID: "d", session: nil, authID: "u", messageType: 1)),
    ])
    func matchersSelectRequests(json: String, stage: FaultStage, hit: FaultRequest, miss: FaultRequest) throws {
        try add(json)
        #expect(fault(stage, miss) == nil)
        #expect(fault(stage, hit)?.ruleID == 1)
        #expect(fault(stage, miss) == nil)
        #expect(fault(stage, hit)?.ruleID == 1)
    }

    /// The oldest rule that matches wins; a non-matching older rule is passed over.
    @Test func oldestMatchingRuleWins() throws {
        try add(#"{"client_id": "someone-else", "status": 500}"#)
        try add(#"{"status": 502}"#)
        try add(#"{"status": 503}"#)
        #expect(fault(.answer)?.ruleID == 2)
        #expect(fault(.answer)?.ruleID == 2)
        #expect(fault(.answer, FaultRequest(clientID: "someone-else", session: nil))?.ruleID == 1)
        #expect(rules.remove(id: 2))
        #expect(fault(.answer)?.ruleID == 3)
    }

    // MARK: - times

    /// `times: 2` fires for two matches, then the rule retires and vanishes from the listing.
    @Test func timesRetiresTheRule() throws {
        try add(#"{"times": 2, "status": 503}"#)
        #expect(fault(.answer)?.ruleID == 1)
        #expect(text(rules.json) == #"{"faults": [{"id": 1, "times": 2, "status": 503, "fired": 1}]}"#)
        #expect(fault(.answer)?.ruleID == 1)
        #expect(text(rules.json) == #"{"faults": []}"#)
        #expect(fault(.answer) == nil)
        #expect(!rules.remove(id: 1))
    }

    /// Once a `times` rule retired, the next rule takes over.
    @Test func aRetiredRuleLetsTheNextOneApply() throws {
        try add(#"{"times": 1, "status": 503}"#)
        try add(#"{"status": 500}"#)
        #expect(fault(.answer)?.ruleID == 1)
        #expect(fault(.answer)?.ruleID == 2)
        #expect(fault(.answer)?.ruleID == 2)
    }

    /// Requests that do not match, or come at the other stage, do not use up `times`.
    @Test func nonMatchingRequestsDoNotConsumeTimes() throws {
        try add(#"{"client_id": "acme-client", "times": 1, "status": 503}"#)
        for _ in 0..<5 {
            #expect(fault(.answer, FaultRequest(clientID: "other", session: nil)) == nil)
            #expect(fault(.head) == nil)
        }
        #expect(text(rules.json) == #"{"faults": [{"id": 1, "client_id": "acme-client", "times": 1, "status": 503, "fired": 0}]}"#)
        #expect(fault(.answer)?.ruleID == 1)
        #expect(fault(.answer) == nil)
    }

    /// Concurrent requests never fire a rule more than its `times`.
    @Test func timesHoldsUnderConcurrency() async throws {
        try add(#"{"times": 50, "delay_ms": 1}"#)
        let rules = self.rules
        let hits = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<400 {
                group.addTask { rules.fault(at: .answer, header: nil, for: Self.anyone) == nil ? 0 : 1 }
            }
            return await group.reduce(0, +)
        }
        #expect(hits == 50)
        #expect(text(rules.json) == #"{"faults": []}"#)
    }

    // MARK: - probability

    /// The hits of `count` matching requests against `rules` at the answer stage.
    func hitSequence(_ rules: FaultRules, count: Int = 200) -> [Bool] {
        (0..<count).map { _ in fault(.answer, in: rules) != nil }
    }

    /// The same seed gives the same sequence on fresh rules: one `FaultDraws` draw per match.
    @Test func sameSeedSameSequence() throws {
        let json = #"{"probability": 0.5, "seed": 42, "delay_ms": 1}"#
        let first = FaultRules(), second = FaultRules()
        try add(json, to: first)
        try add(json, to: second)
        let sequence = hitSequence(first)
        #expect(hitSequence(second) == sequence)
        #expect(sequence.contains(true) && sequence.contains(false))
        #expect((60...140).contains(sequence.count { $0 }))
        var draws = FaultDraws(seed: 42)
        let drawn = (0..<200).map { _ in draws.hits(0.5) }
        #expect(sequence == drawn)

        let other = FaultRules()
        try add(#"{"probability": 0.5, "seed": 43, "delay_ms": 1}"#, to: other)
        #expect(hitSequence(other) != sequence)
    }

    /// Only matching requests draw: non-matching ones in between leave the sequence unchanged.
    @Test func onlyMatchesDraw() throws {
        try add(#"{"client_id": "acme-client", "probability": 0.5, "seed": 9, "delay_ms": 1}"#)
        var draws = FaultDraws(seed: 9)
        for _ in 0..<100 {
            #expect(fault(.answer, FaultRequest(clientID: "other", session: nil)) == nil)
            #expect(fault(.head) == nil)
            let hit = draws.hits(0.5)
            #expect((fault(.answer) != nil) == hit)
        }
    }

    /// With `times`, only hits count towards it, and the rule retires after that many hits.
    @Test func probabilityWithTimesCountsHits() throws {
        try add(#"{"times": 3, "probability": 0.5, "seed": 5, "status": 503}"#)
        var draws = FaultDraws(seed: 5)
        var expected = (0..<200).map { _ in draws.hits(0.5) }
        let third = try #require(expected.indices.filter { expected[$0] }.dropFirst(2).first)
        for index in expected.indices where index > third { expected[index] = false }
        #expect(hitSequence(rules) == expected)
        #expect(text(rules.json) == #"{"faults": []}"#)
    }

    /// Probability 0 never fires, 1 always does.
    @Test(arguments: [("0", false), ("0.0", false), ("1", true), ("1.0", true)])
    func probabilityBounds(probability: String, fires: Bool) throws {
        try add(#"{"probability": \#(probability), "delay_ms": 1}"#)
        #expect(hitSequence(rules) == Array(repeating: fires, count: 200))
        #expect(text(rules.json).hasSuffix(#""fired": \#(fires ? 200 : 0)}]}"#))
    }

    /// Without a seed the draws still follow the probability (roughly), and never beyond its bounds.
    @Test func unseededProbabilityStillFires() throws {
        try add(#"{"probability": 0.5, "delay_ms": 1}"#)
        let hits = hitSequence(rules, count: 2_000).count { $0 }
        #expect((700...1_300).contains(hits))
    }

    // MARK: - X-Mock-Fault

    /// An honoured header comes before the rules at its stage, and has no rule id.
    @Test func headerComesFirstWithoutARuleID() throws {
        try add(#"{"status": 500}"#)
        try add(#"{"reset_before_body": true}"#)
        let teapot = try header("status=418")
        let applied = fault(.answer, header: teapot)
        #expect(applied?.ruleID == nil)
        #expect(applied?.action == teapot.rule.action)
        // A header for the other stage leaves this stage's rules alone.
        #expect(fault(.head, header: teapot) == AppliedFault(ruleID: 2, action: .resetBeforeBody))
        // Header firings are not counted on the rules.
        #expect(text(rules.json) == #"{"faults": [{"id": 1, "status": 500, "fired": 0}, {"id": 2, "reset_before_body": true, "fired": 1}]}"#)
    }

    /// A header works with no rules installed at all, at its own stage only.
    @Test func headerWorksWithoutRules() throws {
        let reset = try header("reset_before_body=true")
        #expect(fault(.answer, header: reset) == nil)
        #expect(fault(.head, header: reset) == AppliedFault(ruleID: nil, action: .resetBeforeBody))
    }

    /// A header whose matchers do not fit the request is passed over for the rules.
    @Test func nonMatchingHeaderFallsBackToRules() throws {
        try add(#"{"status": 500}"#)
        let header = try header("client_id=someone-else;status=418")
        #expect(fault(.answer, header: header)?.ruleID == 1)
        #expect(fault(.answer, FaultRequest(clientID: "someone-else", session: nil), header: header)?.ruleID == nil)
    }

    /// A header's `times` counts per identical value; a different value string counts apart, and
    /// once used up, the rules apply again.
    @Test func headerTimesCountPerValue() throws {
        let twice = try header("status=503;times=2")
        let twiceSpaced = try header("status=503; times=2")
        #expect(fault(.answer, header: twice) == AppliedFault(ruleID: nil, action: twice.rule.action))
        #expect(fault(.answer, header: twice)?.ruleID == nil)
        #expect(fault(.answer, header: twice) == nil)
        #expect(fault(.answer, header: twiceSpaced) != nil)
        #expect(fault(.answer, header: twiceSpaced) != nil)
        #expect(fault(.answer, header: twiceSpaced) == nil)
        #expect(fault(.answer, header: twice) == nil)

        try add(#"{"status": 500}"#)
        #expect(fault(.answer, header: twice)?.ruleID == 1)
    }

    /// Header requests that do not match do not use up the header's `times`.
    @Test func nonMatchingHeaderRequestsDoNotConsumeTimes() throws {
        let once = try header("client_id=acme-client;times=1;delay_ms=5")
        #expect(fault(.answer, FaultRequest(clientID: "other", session: nil), header: once) == nil)
        #expect(fault(.head, header: once) == nil)
        #expect(fault(.answer, header: once) == AppliedFault(ruleID: nil, action: .delay(milliseconds: 5)))
        #expect(fault(.answer, header: once) == nil)
    }

    /// `removeAll` also forgets how often each header value fired.
    @Test func removeAllResetsHeaderCounts() throws {
        let once = try header("status=503;times=1")
        #expect(fault(.answer, header: once) != nil)
        #expect(fault(.answer, header: once) == nil)
        rules.removeAll()
        #expect(fault(.answer, header: once) != nil)
        #expect(fault(.answer, header: once) == nil)
    }

    /// A seeded header draws the same sequence as a seeded rule.
    @Test func seededHeaderDrawsLikeARule() throws {
        let seeded = try header("probability=0.5;seed=42;delay_ms=1")
        var draws = FaultDraws(seed: 42)
        for _ in 0..<100 {
            let hit = draws.hits(0.5)
            #expect((fault(.answer, header: seeded) != nil) == hit)
        }
    }

    /// Past `maxRememberedHeaders` distinct values, a new value makes the counts start over.
    @Test func rememberedHeaderValuesAreBounded() throws {
        let once = try header("status=503;times=1")
        #expect(fault(.answer, header: once) != nil)
        for index in 1..<FaultRules.maxRememberedHeaders {
            let value = "status=503;times=1;client_id=c\(index)"
            _ = fault(.answer, FaultRequest(clientID: "c\(index)", session: nil), header: try header(value))
        }
        // Full, but the value is known: still used up.
        #expect(fault(.answer, header: once) == nil)
        // A new value clears the memory, so the first value fires again.
        #expect(fault(.answer, header: try header("status=503; times=1")) != nil)
        #expect(fault(.answer, header: once) != nil)
        #expect(fault(.answer, header: once) == nil)
    }

    // MARK: - AppliedFault and FaultDraws

    /// Journal entries show the rule id (null for a header) and the action's field name.
    @Test(arguments: [
        (3 as Int?, FaultAction.status(FaultAnswer(status: 503, body: [], contentType: "application/json", headers: [])),
         #"{"rule_id": 3, "action": "status"}"#),
        (nil, .resetBeforeBody, #"{"rule_id": null, "action": "reset_before_body"}"#),
        (1, .resetAfterBytes(5), #"{"rule_id": 1, "action": "reset_after_bytes"}"#),
        (2, .stallAfterBytes(5, milliseconds: nil), #"{"rule_id": 2, "action": "stall_after_bytes"}"#),
        (nil, .throttle(bytesPerSecond: 9), #"{"rule_id": null, "action": "throttle_bytes_per_sec"}"#),
        (10, .delay(milliseconds: 1), #"{"rule_id": 10, "action": "delay_ms"}"#),
        (11, .closeAfterResponse, #"{"rule_id": 11, "action": "close_after_response"}"#),
    ])
    func appliedFaultJSON(ruleID: Int?, action: FaultAction, expected: String) {
        #expect(text(AppliedFault(ruleID: ruleID, action: action).json) == expected)
    }

    /// Draws are SplitMix64: the same seed gives the same sequence, on any machine.
    @Test(arguments: [0, 1, 42, UInt64.max] as [UInt64])
    func drawsRepeatForASeed(seed: UInt64) {
        var first = FaultDraws(seed: seed), second = FaultDraws(seed: seed)
        let a = (0..<500).map { _ in first.hits(0.3) }
        let b = (0..<500).map { _ in second.hits(0.3) }
        #expect(a == b)
        #expect(a.contains(true) && a.contains(false))
    }

    /// The first draw of seed 0 is SplitMix64's first output, 0xE220A8397B1DCDAF ≈ 0.88331.
    @Test func drawsAreSplitMix64() {
        var below = FaultDraws(seed: 0), above = FaultDraws(seed: 0)
        let belowHits = below.hits(0.8833), aboveHits = above.hits(0.8834)
        #expect(!belowHits)
        #expect(aboveHits)
    }

    /// Different seeds give different sequences; 0 never hits, 1 always does.
    @Test func drawsDifferBySeedAndRespectBounds() {
        var one = FaultDraws(seed: 1), two = FaultDraws(seed: 2)
        let ones = (0..<100).map { _ in one.hits(0.5) }, twos = (0..<100).map { _ in two.hits(0.5) }
        #expect(ones != twos)
        var draws = FaultDraws(seed: nil)
        let never = (0..<1_000).map { _ in draws.hits(0) }, always = (0..<1_000).map { _ in draws.hits(1) }
        #expect(!never.contains(true))
        #expect(!always.contains(false))
    }
}
