import EventLoop
public import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide preparation that must happen before any socket exists.
public enum ProcessSetup {
    /// Ignores SIGPIPE (libevent writes with plain `writev`/`sendfile`; a client hanging up mid-answer
    /// would otherwise kill the process) and raises the open-file soft limit to fit
    /// `maxConnections`: each may hold a socket and an upload's file.
    public static func prepare(forConnections maxConnections: Int, logger: Logger) {
        signal(SIGPIPE, SIG_IGN)
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return }
        let wanted = rlim_t(2 * maxConnections + 64)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        if setrlimit(RLIMIT_NOFILE_VALUE, &limit) != 0 || limit.rlim_cur < wanted {
            logger.warning("open-file limit below what --max-connections needs", metadata: [
                "limit": "\(limit.rlim_cur)", "wanted": "\(wanted)",
            ])
        }
    }

    private static var RLIMIT_NOFILE_VALUE: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
}

/// The executable's signal loop: once created it owns SIGTERM and SIGINT, and ``run()`` waits on
/// the calling thread until the first of them calls `onTerminate`. For the executable only; an
/// in-process server must not take its host's signals. Create it before announcing readiness, so
/// that a signal sent the moment the ready line appears is not lost to the default action.
public final class SignalLoop {
    private let base: EventBase
    private var watchers: [SignalWatcher] = []

    /// - Parameters:
    ///   - onTerminate: runs on the first SIGTERM or SIGINT; then the loop ends.
    ///   - onReload: runs on each SIGHUP until then.
    public init(onTerminate: @escaping () -> Void, onReload: @escaping () -> Void = {}) throws {
        Self.unblockTerminationSignals()
        base = try EventBase()
        watchers = try [SIGTERM, SIGINT].map { signal in
            try SignalWatcher(base: base, signal: signal) { [unowned self] in
                onTerminate()
                watchers.forEach { $0.cancel() }   // the loop ends once nothing is left to watch
            }
        }
        watchers.append(try SignalWatcher(base: base, signal: SIGHUP, action: onReload))
    }

    /// Blocks until a termination signal has been handled.
    public func run() {
        base.run()
    }

    /// A parent may start us with these signals blocked (threads of a libdispatch pool do), and the
    /// mask is inherited: unblock them, or SIGTERM would never arrive.
    private static func unblockTerminationSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}
