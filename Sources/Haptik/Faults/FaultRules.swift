import Synchronization

/// When a fault is decided: at the head (pre-body actions) or once the body was read (answers).
public enum FaultStage: Sendable {
    case head, answer
}

/// The fault rules in force, oldest first, with how often each fired, and the firing state of
/// each distinct `X-Mock-Fault` value. Thread-safe: every worker consults it; with no rule and no
/// header, a request costs one atomic load.
public final class FaultRules: Sendable {
    private struct InstalledRule {
        let id: Int
        let rule: FaultRule
        var fired = 0
        var draws: FaultDraws
    }

    /// How an `X-Mock-Fault` value fired so far: `times` counts per identical value.
    private struct HeaderFirings {
        var fired = 0
        var draws: FaultDraws
    }

    private struct State {
        var rules: [InstalledRule] = []
        var nextID = 1
        var headerFirings: [String: HeaderFirings] = [:]
    }

    /// Distinct header values remembered at most; past it their counts start over.
    static let maxRememberedHeaders = 4_096

    private let state = Mutex(State())
    private let ruleCount = Atomic<Int>(0)

    public init() {}

    /// Installs `rule` after the others; returns its id and the rule as listed.
    @discardableResult
    public func add(_ rule: FaultRule) -> (id: Int, json: [UInt8]) {
        state.withLock { state in
            let installed = InstalledRule(id: state.nextID, rule: rule, draws: FaultDraws(seed: rule.seed))
            state.nextID += 1
            state.rules.append(installed)
            ruleCount.store(state.rules.count, ordering: .releasing)
            return (installed.id, Self.json(installed))
        }
    }

    /// `{"faults": [...]}`: the rules in force, oldest first, each with `id` and `fired`.
    public var json: [UInt8] {
        let rules = state.withLock { $0.rules }
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (index, rule) in rules.enumerated() {
            if index > 0 { array.append(contentsOf: ", ".utf8) }
            array.append(contentsOf: Self.json(rule))
        }
        array.append(UInt8(ascii: "]"))
        var writer = JSONObjectWriter(reservingCapacity: array.count + 16)
        writer.add("faults", json: array)
        return writer.finish()
    }

    /// Removes the rule with `id`; false if there is none (never was, or retired).
    public func remove(id: Int) -> Bool {
        state.withLock { state in
            guard let index = state.rules.firstIndex(where: { $0.id == id }) else { return false }
            state.rules.remove(at: index)
            ruleCount.store(state.rules.count, ordering: .releasing)
            return true
        }
    }

    /// Removes every rule and forgets how often each header value fired; ids continue.
    public func removeAll() {
        state.withLock { state in
            state.rules.removeAll()
            state.headerFirings.removeAll()
            ruleCount.store(0, ordering: .releasing)
        }
    }

    /// The fault for `request` at `stage`, counted as fired: the request's `X-Mock-Fault` rule
    /// (`header`, as sent and as parsed) if it is for this stage, matches and fires; else the
    /// oldest rule for this stage that matches and fires. A rule that used up its `times` retires.
    /// `request` is only built when there is something to match it against.
    public func fault(at stage: FaultStage, header: FaultHeader?,
                      for request: @autoclosure () -> FaultRequest) -> AppliedFault? {
        guard header != nil || ruleCount.load(ordering: .acquiring) > 0 else { return nil }
        let request = request()
        return state.withLock { state in
            if let header, header.rule.action.isPreBody == (stage == .head), header.rule.matcher.matches(request) {
                if state.headerFirings.count >= Self.maxRememberedHeaders, state.headerFirings[header.value] == nil {
                    state.headerFirings.removeAll()
                }
                var firings = state.headerFirings[header.value] ?? HeaderFirings(draws: FaultDraws(seed: header.rule.seed))
                let fires = Self.fires(header.rule, fired: firings.fired, draws: &firings.draws)
                if fires { firings.fired += 1 }
                state.headerFirings[header.value] = firings
                if fires { return AppliedFault(ruleID: nil, action: header.rule.action) }
            }
            for index in state.rules.indices {
                let rule = state.rules[index].rule
                guard rule.action.isPreBody == (stage == .head), rule.matcher.matches(request),
                      Self.fires(rule, fired: state.rules[index].fired, draws: &state.rules[index].draws)
                else { continue }
                state.rules[index].fired += 1
                let applied = AppliedFault(ruleID: state.rules[index].id, action: rule.action)
                if let times = rule.times, state.rules[index].fired >= times {
                    state.rules.remove(at: index)
                    ruleCount.store(state.rules.count, ordering: .releasing)
                }
                return applied
            }
            return nil
        }
    }

    /// Whether a matching rule that fired `fired` times fires now: one draw if it has a probability.
    private static func fires(_ rule: FaultRule, fired: Int, draws: inout FaultDraws) -> Bool {
        if let times = rule.times, fired >= times { return false }
        guard let probability = rule.probability else { return true }
        return draws.hits(probability)
    }

    private static func json(_ installed: InstalledRule) -> [UInt8] {
        var writer = JSONObjectWriter(reservingCapacity: 128)
        writer.add("id", installed.id)
        for field in installed.rule.fields { writer.add(field.key, json: field.value.bytes) }
        writer.add("fired", installed.fired)
        return writer.finish()
    }
}
