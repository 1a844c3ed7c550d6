import CLibevent

/// Runs an action on a loop's thread when any thread calls ``trigger()``: how workers are told to
/// shut down. Several triggers before the loop gets to it may run the action once.
///
/// `@unchecked Sendable`: only ``trigger()`` may be called from other threads, and it only calls
/// `event_active`, which libevent makes thread-safe once ``EventBase/enableThreadSafety()`` ran.
public final class Wakeup: @unchecked Sendable {
    private let event: CallbackEvent

    /// The event is never added, so it does not keep the loop running; activation still works.
    public init(base: EventBase, action: @escaping () -> Void) throws(EventLoopError) {
        event = try CallbackEvent(base: base, action: action)
    }

    /// Asks the loop to run the action. Safe from any thread.
    public func trigger() {
        event_active(event.raw, Int32(EV_READ), 0)
    }
}
