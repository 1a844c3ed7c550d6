import Synchronization

/// Where `created_at` and `received_at` come from: the real clock, or a fixed moment
/// (`--clock`, `POST /__admin/clock`) for golden-file tests. Reading it is one atomic load.
public final class MockClock: Sendable {
    private static let realTime = Int64.min
    private let fixed: Atomic<Int64>

    public init(fixedAt moment: Timestamp? = nil) {
        fixed = Atomic(moment?.millisecondsSinceEpoch ?? Self.realTime)
    }

    public func now() -> Timestamp {
        let moment = fixed.load(ordering: .relaxed)
        return moment == Self.realTime ? .now() : Timestamp(millisecondsSinceEpoch: moment)
    }

    /// Fixes the clock at `moment`, or restores real time with nil.
    public func set(_ moment: Timestamp?) {
        fixed.store(moment?.millisecondsSinceEpoch ?? Self.realTime, ordering: .relaxed)
    }

    /// The fixed moment, or nil in real time.
    public var fixedMoment: Timestamp? {
        let moment = fixed.load(ordering: .relaxed)
        return moment == Self.realTime ? nil : Timestamp(millisecondsSinceEpoch: moment)
    }
}
