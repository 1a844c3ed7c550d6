import CLibevent

/// One libevent loop. Created, run and freed on one thread; other threads reach it only through
/// ``LoopHandle`` and ``Wakeup``.
public final class EventBase {
    let raw: OpaquePointer

    /// - Precondition: ``EventBase/enableThreadSafety()`` ran first (it is idempotent).
    public init() throws(EventLoopError) {
        Self.enableThreadSafety()
        guard let raw = event_base_new() else { throw .libevent("event_base_new") }
        self.raw = raw
    }

    deinit { event_base_free(raw) }

    /// Makes libevent lock each base and wake loops that another thread touches. Must run before
    /// any base exists; later calls do nothing.
    public static func enableThreadSafety() {
        _ = threadSafetyEnabled
    }

    private static let threadSafetyEnabled: Bool = evthread_use_pthreads() == 0

    /// Runs the loop until nothing is left to wait for or it is stopped.
    public func run() {
        _ = event_base_dispatch(raw)
    }

    /// Thread-safe controls of this loop.
    public var handle: LoopHandle { LoopHandle(raw: raw) }
}

@available(*, unavailable)
extension EventBase: Sendable {}

/// Thread-safe controls for an ``EventBase``. Safe because ``EventBase/enableThreadSafety()`` ran
/// before any base existed: libevent then locks each base and wakes its loop when another thread
/// calls `event_base_loopbreak`.
public struct LoopHandle: @unchecked Sendable {
    let raw: OpaquePointer

    /// Ends the loop at once, after the callback running now. A graceful drain is built above this.
    public func stop() { _ = event_base_loopbreak(raw) }
}
