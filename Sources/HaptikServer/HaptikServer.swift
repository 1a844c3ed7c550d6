import Dispatch
import EventLoop
import Haptik
public import Logging
import Synchronization

/// The running mock: `workers` threads, each with its own loop and listener on one shared port.
///
/// ``start(_:logger:)`` returns once every listener is bound, so callers (tests included) can
/// connect at once. ``shutdown()`` begins a graceful stop from any thread; ``waitUntilStopped()``
/// blocks until every worker's loop has ended.
public final class HaptikServer: Sendable {
    /// The host as configured.
    public let host: String
    /// The port actually bound (the OS's choice when 0 was asked for).
    public let port: Int
    private let switches: [ShutdownSwitch]
    private let stopped: DispatchGroup

    private init(host: String, port: Int, switches: [ShutdownSwitch], stopped: DispatchGroup) {
        self.host = host
        self.port = port
        self.switches = switches
        self.stopped = stopped
    }

    /// `http://HOST:PORT`, as printed in the ready line.
    public var url: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
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
        let shared = SharedState(
            uploads: UploadEndpoint(
                authenticator: Authenticator(fixtures: configuration.fixtures), store: store,
                messageIDs: MessageIDs(), maxFileSize: configuration.maxFileSize,
                publicURL: configuration.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }),
            limiter: ConnectionLimiter(limit: configuration.maxConnections))
        EventBase.enableThreadSafety()
        var address: SocketAddress
        do {
            address = try SocketAddress(host: configuration.host, port: configuration.port)
            if configuration.port != 0 { try Listener.probe(address) }
        } catch {
            throw StartupError(error.description)
        }
        let stopped = DispatchGroup()
        var switches: [ShutdownSwitch] = []
        for index in 0..<max(1, configuration.workers) {
            let launch = WorkerLaunch(index: index, address: address, configuration: configuration,
                                      shared: shared, logger: logger)
            let started = launch.start(in: stopped)
            switch started {
            case .success(let (bound, shutdownSwitch)):
                address = bound   // with --port 0, the others bind the port the first one got
                switches.append(shutdownSwitch)
            case .failure(let error):
                switches.forEach { $0.trigger() }
                stopped.wait()
                throw error
            }
        }
        return HaptikServer(host: configuration.host, port: address.port, switches: switches, stopped: stopped)
    }

    /// Begins a graceful stop: listeners close at once, idle connections close, requests in flight
    /// get the grace period. Safe from any thread; returns at once.
    public func shutdown() {
        for shutdownSwitch in switches { shutdownSwitch.trigger() }
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

    func start(in group: DispatchGroup) -> Result<(SocketAddress, ShutdownSwitch), StartupError> {
        let outcome = Mutex<Result<(SocketAddress, ShutdownSwitch), StartupError>?>(nil)
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
            let shutdownSwitch = worker.makeShutdownSwitch()
            outcome.withLock { $0 = .success((worker.boundAddress ?? address, shutdownSwitch)) }
            ready.signal()
            worker.run()
            shutdownSwitch.disconnect()
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
