import CLibevent

/// A one-shot timer on a loop. The action runs on the loop's thread and must not capture the
/// timer's owner strongly.
public final class Timer {
    private let event: CallbackEvent

    public init(base: EventBase, action: @escaping () -> Void) throws(EventLoopError) {
        event = try CallbackEvent(base: base, action: action)
    }

    /// Fires once after `seconds`, replacing any earlier schedule.
    public func schedule(after seconds: Double) {
        var delay = timeval(seconds: seconds)
        event_add(event.raw, &delay)
    }

    /// Stops a pending firing; nothing happens if none is pending.
    public func cancel() {
        event_del(event.raw)
    }
}

@available(*, unavailable)
extension Timer: Sendable {}

extension timeval {
    init(seconds: Double) {
        let whole = max(0, seconds).rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((max(0, seconds) - whole) * 1_000_000))
    }
}
