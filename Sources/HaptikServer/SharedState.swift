import Haptik
import Synchronization

/// What every worker shares: immutable services and thread-safe state.
struct SharedState: Sendable {
    let uploads: UploadEndpoint
    let admin: AdminEndpoint
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
