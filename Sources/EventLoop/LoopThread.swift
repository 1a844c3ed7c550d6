import CLibevent
#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached OS thread for a loop: a plain pthread, since a loop must never run on
/// Swift's cooperative pool, and Foundation's `Thread` would pull in all of Foundation.
public enum LoopThread {
    /// Runs `body` on a new thread named `name` (at most 15 bytes are kept).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(EventLoopError) {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let body = Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue()
            haptik_name_current_thread(body.name)
            body.body()
            return nil
        }, box)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw .libevent("pthread_create: \(String(cString: strerror(result)))")
        }
        pthread_detach(thread)
    }
}

private final class ThreadBody: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
