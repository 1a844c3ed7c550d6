import EventLoop
import Haptik
import HTTP1
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread's share of the server: its own loop, listener and connections. Every method runs on
/// that thread; other threads reach it only through its ``ShutdownSwitch``.
final class Worker {
    /// How long an early-answered connection keeps reading and dropping the client's bytes.
    static let lingerSeconds = 2.0
    /// Up to this many bytes per socket read: one body batch, so a read never holds more than a
    /// batch beyond what is being handled (libevent 2.1's own reads stop at 4 KiB).
    static let maxSingleRead = 65_536
    /// A body with a known length is handed to its endpoint in batches of up to this many bytes:
    /// fewer passes and one `writev` per batch, for at most this much buffered per connection.
    static let bodyBatchBytes = 65_536

    let base: EventBase
    let uploads: UploadEndpoint
    let admin: AdminEndpoint
    let content: ContentEndpoint
    let httpLimits = HTTPLimits.default
    let logger: Logger
    private let configuration: ServerConfiguration
    private let limiter: ConnectionLimiter
    private var listener: Listener?
    private var connections: [Int: Connection] = [:]
    private var nextConnectionID = 0
    private var shutdownWakeup: Wakeup?
    private var journalWakeup: Wakeup?
    private let fixtures: FixtureSource
    private var cachedAuthenticator: (version: Int, authenticator: Authenticator)
    /// Connections parked on `wait_for`, rechecked after journal appends.
    private var waiting: [Int: Connection] = [:]
    private var graceTimer: Timer?
    private(set) var isDraining = false
    private var responseBuffer: [UInt8] = []
    /// The batched access log, when the configuration names a descriptor for it.
    private var accessLog: AccessLog?
    private var cachedDate: (second: Int, bytes: [UInt8]) = (-1, [])

    /// Binds its listener on `address`; the loop does not run until ``run()``.
    init(index: Int, address: SocketAddress, configuration: ServerConfiguration, shared: SharedState,
         logger: Logger) throws {
        base = try EventBase()
        uploads = shared.uploads
        admin = shared.admin
        content = ContentEndpoint(store: shared.uploads.store)
        fixtures = shared.admin.fixtures
        cachedAuthenticator = (fixtures.version, fixtures.authenticator)
        limiter = shared.limiter
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(index)"
        self.logger = logger
        responseBuffer.reserveCapacity(1024)
        listener = try Listener(base: base, address: address) { [unowned self] fd in accept(fd) }
        shutdownWakeup = try Wakeup(base: base) { [unowned self] in beginShutdown() }
        accessLog = try configuration.accessLogDescriptor.map { descriptor throws(EventLoopError) in
            try AccessLog(descriptor: descriptor, workerIndex: index, base: base)
        }
        journalWakeup = try Wakeup(base: base) { [unowned self] in
            for connection in Array(waiting.values) { connection.recheckWait() }
        }
    }

    /// Seconds without a byte before a connection is closed; also a stall fault's default length.
    var idleTimeout: Double { configuration.idleTimeout }

    /// The address the listener bound, with the real port.
    var boundAddress: SocketAddress? { listener?.address }

    /// A thread-safe trigger of ``beginShutdown()``.
    func makeShutdownTrigger() -> CrossThreadTrigger { CrossThreadTrigger(shutdownWakeup) }

    /// A thread-safe trigger that rechecks the connections parked on `wait_for`.
    func makeJournalTrigger() -> CrossThreadTrigger { CrossThreadTrigger(journalWakeup) }

    /// The fixtures' authenticator, refreshed when a new document was swapped in (one atomic load
    /// per request otherwise).
    var authenticator: Authenticator {
        let version = fixtures.version
        if version != cachedAuthenticator.version {
            cachedAuthenticator = (version, fixtures.authenticator)
        }
        return cachedAuthenticator.authenticator
    }

    func startWaiting(_ connection: Connection) {
        waiting[connection.id] = connection
        admin.journal.beginWaiting()
    }

    func stopWaiting(_ connection: Connection) {
        guard waiting.removeValue(forKey: connection.id) != nil else { return }
        admin.journal.endWaiting()
    }

    /// Runs the loop until shutdown completes.
    func run() {
        base.run()
    }

    // MARK: - Connections

    private func accept(_ fd: Int32) {
        guard !isDraining, limiter.tryAcquire() else {
            Glibc.close(fd)
            return
        }
        do {
            let socket = try BufferedSocket(base: base, fd: fd)
            nextConnectionID += 1
            let connection = Connection(id: nextConnectionID, socket: socket, worker: self)
            connections[connection.id] = connection
            socket.start(delegate: connection, maxSingleRead: Self.maxSingleRead,
                         idleTimeout: configuration.idleTimeout)
        } catch {
            limiter.release()
            logger.error("cannot accept connection", metadata: ["error": "\(error)"])
        }
    }

    func connectionDidClose(_ connection: Connection) {
        stopWaiting(connection)
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        limiter.release()
        if isDraining, connections.isEmpty { finishShutdown() }
    }

    // MARK: - Shutdown

    /// Stops accepting, closes idle connections, and gives the others the grace period.
    private func beginShutdown() {
        guard !isDraining else { return }
        isDraining = true
        listener?.close()
        for connection in connections.values where connection.isIdle { connection.close() }
        guard !connections.isEmpty else { return finishShutdown() }
        do {
            let timer = try Timer(base: base) { [unowned self] in
                for connection in connections.values { connection.close() }
                finishShutdown()
            }
            timer.schedule(after: configuration.shutdownGrace)
            graceTimer = timer
        } catch {
            for connection in connections.values { connection.close() }
        }
    }

    private func finishShutdown() {
        accessLog?.flush()
        graceTimer?.cancel()
        base.handle.stop()
    }

    // MARK: - Shared per-thread resources

    /// Lends the worker's answer buffer, emptied; answers are built in it and copied to a socket.
    func withResponseBuffer(_ body: (inout [UInt8]) -> Void) {
        responseBuffer.removeAll(keepingCapacity: true)
        body(&responseBuffer)
    }

    /// The `Date` header value, formatted at most once a second; it follows a fixed clock too, so
    /// deterministic mode's answers are byte-identical.
    var httpDate: [UInt8] {
        let now = uploads.clock.now()
        let second = Int(now.millisecondsSinceEpoch / 1000)
        if second != cachedDate.second { cachedDate = (second, now.httpDate) }
        return cachedDate.bytes
    }

    /// The access log line, at info level: batched straight to its descriptor when one is
    /// configured (a formatted log call and a `write` per request were a tenth of a request's CPU
    /// time), else through the logger. Its values are in the message as `key=value`, not in
    /// metadata, which cost more per request.
    func logRequest(_ request: RequestRecord, connectionID: Int) {
        if let accessLog {
            accessLog.record(request, connectionID: connectionID)
        } else if logger.logLevel <= .info {
            logger.info(Logger.Message(stringLiteral: request.accessLogMessage(connectionID: connectionID)))
        }
    }
}

/// Runs an action on a worker's loop, pulled from any thread (shutdown, journal appends).
/// `@unchecked Sendable`: the wakeup is only triggered, which libevent makes thread-safe, and the
/// worker disconnects it under the lock before its loop's base goes away.
final class CrossThreadTrigger: @unchecked Sendable {
    private let wakeup: Mutex<Wakeup?>

    init(_ wakeup: Wakeup?) { self.wakeup = Mutex(wakeup) }

    func pull() { wakeup.withLock { $0?.trigger() } }

    /// Called by the worker's thread once its loop has ended.
    func disconnect() { wakeup.withLock { $0 = nil } }
}
