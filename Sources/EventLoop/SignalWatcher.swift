import CLibevent

/// Runs an action on a loop's thread each time the process receives a signal. libevent delivers a
/// signal to one base only: register each signal on one control loop, in the executable only.
public final class SignalWatcher {
    private let event: CallbackEvent

    public init(base: EventBase, signal: Int32, action: @escaping () -> Void) throws(EventLoopError) {
        event = try CallbackEvent(base: base, fd: signal, events: Int32(EV_SIGNAL | EV_PERSIST), action: action)
        event_add(event.raw, nil)
    }

    /// Stops watching, so the loop can end once nothing else is pending.
    public func cancel() { event_del(event.raw) }
}

@available(*, unavailable)
extension SignalWatcher: Sendable {}
