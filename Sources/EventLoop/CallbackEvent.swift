import CLibevent

/// A libevent `event` whose callback runs a Swift closure on the loop's thread. Freed in `deinit`;
/// libevent holds `self` unretained, so the owner keeps it alive for as long as it may fire.
final class CallbackEvent {
    let raw: OpaquePointer
    private let action: () -> Void

    init(base: EventBase, fd: Int32 = -1, events: Int32 = 0, action: @escaping () -> Void) throws(EventLoopError) {
        self.action = action
        guard let raw = event_new(base.raw, fd, Int16(events), nil, nil) else { throw .libevent("event_new") }
        self.raw = raw
        // The context must be `self`, which exists only now: assign the callback to the new event.
        event_assign(raw, base.raw, fd, Int16(events), { _, _, context in
            guard let context else { return }
            Unmanaged<CallbackEvent>.fromOpaque(context).takeUnretainedValue().action()
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { event_free(raw) }
}
