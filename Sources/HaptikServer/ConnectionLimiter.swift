import Haptik
import Synchronization

/// Counts open client connections across workers against `--max-connections`.
final class ConnectionLimiter: Sendable {
    private let open = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or returns false when all are taken.
    func tryAcquire() -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func release() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// What every worker shares: immutable services and thread-safe state.
struct SharedState: Sendable {
    let uploads: UploadEndpoint
    let admin: AdminEndpoint
    let fixtures: FixtureSource
    let limiter: ConnectionLimiter
    /// Every worker's journal trigger, pulled after an append while a `wait_for` is parked.
    let journalTriggers: TriggerRegistry
}

/// Cross-thread triggers to pull together. Thread-safe.
final class TriggerRegistry: Sendable {
    private let triggers = Mutex<[CrossThreadTrigger]>([])

    func add(_ trigger: CrossThreadTrigger) { triggers.withLock { $0.append(trigger) } }

    func pullAll() { triggers.withLock { $0 }.forEach { $0.pull() } }
}
