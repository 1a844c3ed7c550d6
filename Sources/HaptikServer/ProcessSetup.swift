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

/// Runs the calling thread's signal loop: the first SIGTERM or SIGINT calls `onTerminate` and lets
/// the loop end. For the executable only; an in-process server must not take its host's signals.
public enum SignalLoop {
    public static func waitForTermination(_ onTerminate: @escaping () -> Void) throws {
        let base = try EventBase()
        var watchers: [SignalWatcher] = []
        let stop = {
            onTerminate()
            watchers.forEach { $0.cancel() }
        }
        watchers = try [SIGTERM, SIGINT].map { try SignalWatcher(base: base, signal: $0, action: stop) }
        base.run()
        withExtendedLifetime(watchers) {}
    }
}
