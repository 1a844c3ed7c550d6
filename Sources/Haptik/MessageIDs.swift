import Synchronization

/// Hands out `message_id`s: unique and increasing across every worker, never reused.
public final class MessageIDs: Sendable {
    private let nextID: Atomic<Int>

    public init(startingAt first: Int = 1) {
        nextID = Atomic(first)
    }

    /// The next id; safe from any thread.
    public func take() -> Int {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
