import Dispatch
import EventLoop
public import Haptik
public import Logging
import Synchronization

/// The running mock: `workers` threads, each with its own loop and listener on one shared port.
///
/// ``start(_:logger:)`` returns once every listener is bound, so callers (tests included) can
/// connect at once. ``shutdown()`` begins a graceful stop from any thread; ``waitUntilStopped()``
/// blocks until every worker's loop has ended. The journal, clock and fixtures are reachable
/// in-process too, for Swift tests that drive the mock without HTTP.
public final class HaptikServer: Sendable {
    /// The host as configured.
    public let host: String
    /// The port actually bound (the OS's choice when 0 was asked for).
    public let port: Int
    /// Every request to the upload endpoint.
    public let journal: UploadJournal
    /// `created_at` and `received_at`; fixed or real.
    public let clock: MockClock
    /// The fixtures in use, replaceable while running.
    public let fixtures: FixtureSource
    /// The fault rules in force (`/__admin/faults`).
    public let faults: FaultRules
    private let store: FileStore
    private let shutdownTriggers: [CrossThreadTrigger]
    private let stopped: DispatchGroup

    private init(host: String, port: Int, shared: SharedState, shutdownTriggers: [CrossThreadTrigger],
                 stopped: DispatchGroup) {
        self.host = host
        self.port = port
        journal = shared.admin.journal
        clock = shared.admin.clock
        fixtures = shared.admin.fixtures
        faults = shared.admin.faults
        store = shared.admin.store
        self.shutdownTriggers = shutdownTriggers
        self.stopped = stopped
    }

    /// `http://HOST:PORT`, as printed in the ready line.
    public var url: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// Empties the journal and deletes the stored files, or only `session`'s (`DELETE /__admin/uploads`).
    public func resetUploads(session: String? = nil) {
        store.delete(storedNames: journal.removeAll(session: session))
    }

    /// Binds every worker and starts their loops.
    /// - Throws: ``StartupError`` naming the address, directory or limit that failed.
    public static func start(_ configuration: ServerConfiguration, logger: Logger) throws -> HaptikServer {
        let store: FileStore
        do {
            store = try FileStore(directory: configuration.storageDirectory)
        } catch {
            throw StartupError(error.detail)
        }
        let shared = makeSharedState(configuration, store: store)
        EventBase.enableThreadSafety()
        var address: SocketAddress
        do {
            address = try SocketAddress(host: configuration.host, port: configuration.port)
            if configuration.port != 0 { try Listener.probe(address) }
        } catch {
            throw StartupError(error.description)
        }
        let stopped = DispatchGroup()
        var shutdownTriggers: [CrossThreadTrigger] = []
        for index in 0..<max(1, configuration.workers) {
            let launch = WorkerLaunch(index: index, address: address, configuration: configuration,
                                      shared: shared, logger: logger)
            switch launch.start(in: stopped) {
            case .success(let (bound, shutdownTrigger)):
                address = bound   // with --port 0, the others bind the port the first one got
                shutdownTriggers.append(shutdownTrigger)
            case .failure(let error):
                shutdownTriggers.forEach { $0.pull() }
                stopped.wait()
                throw error
            }
        }
        return HaptikServer(host: configuration.host, port: address.port, shared: shared,
                            shutdownTriggers: shutdownTriggers, stopped: stopped)
    }

    private static func makeSharedState(_ configuration: ServerConfiguration, store: FileStore) -> SharedState {
        let triggers = TriggerRegistry()
        let journal = UploadJournal(capacity: configuration.maxJournalEntries) { triggers.pullAll() }
        let clock = MockClock(fixedAt: configuration.clock)
        let fixtures = FixtureSource(configuration.fixtures, path: configuration.fixturesPath)
        let faults = FaultRules()
        let uploads = UploadEndpoint(
            store: store, messageIDs: MessageIDs(startingAt: configuration.messageIDStart ?? 1), journal: journal,
            clock: clock, maxFileSize: configuration.maxFileSize,
            publicURL: configuration.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            namesFilesByMessageID: configuration.isDeterministic, faults: faults,
            allowsFaultHeaders: configuration.allowsFaultHeaders)
        return SharedState(
            uploads: uploads,
            admin: AdminEndpoint(journal: journal, store: store, clock: clock, fixtures: fixtures, faults: faults),
            limiter: ConnectionLimiter(limit: configuration.maxConnections),
            journalTriggers: triggers)
    }

    /// Begins a graceful stop: listeners close at once, idle connections close, requests in flight
    /// get the grace period. Safe from any thread; returns at once.
    public func shutdown() {
        for trigger in shutdownTriggers { trigger.pull() }
    }

    /// Blocks until every worker has stopped.
    public func waitUntilStopped() {
        stopped.wait()
    }
}

/// A failure to start, with a message that names what failed.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Starts one worker's thread and waits until its listener is bound or has failed.
private struct WorkerLaunch: Sendable {
    let index: Int
    let address: SocketAddress
    let configuration: ServerConfiguration
    let shared: SharedState
    let logger: Logger

    func start(in group: DispatchGroup) -> Result<(SocketAddress, CrossThreadTrigger), StartupError> {
        let outcome = Mutex<Result<(SocketAddress, CrossThreadTrigger), StartupError>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        group.enter()
        let body: @Sendable () -> Void = { [self] in
            defer { group.leave() }
            let worker: Worker
            do {
                worker = try Worker(index: index, address: address, configuration: configuration,
                                    shared: shared, logger: logger)
            } catch let error as EventLoopError {
                outcome.withLock { $0 = .failure(StartupError(error.description)) }
                ready.signal()
                return
            } catch {
                outcome.withLock { $0 = .failure(StartupError("\(error)")) }
                ready.signal()
                return
            }
            let shutdownTrigger = worker.makeShutdownTrigger()
            let journalTrigger = worker.makeJournalTrigger()
            shared.journalTriggers.add(journalTrigger)
            outcome.withLock { $0 = .success((worker.boundAddress ?? address, shutdownTrigger)) }
            ready.signal()
            worker.run()
            shutdownTrigger.disconnect()
            journalTrigger.disconnect()
        }
        do {
            try LoopThread.start(name: "haptik-worker-\(index)", body)
        } catch {
            group.leave()
            return .failure(StartupError(error.description))
        }
        ready.wait()
        return outcome.withLock { $0 } ?? .failure(StartupError("worker \(index) did not start"))
    }
}
