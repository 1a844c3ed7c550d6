public import Haptik

/// Everything a running server needs, resolved and validated by the command line layer.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 lets the OS choose.
    public var port: Int
    public var workers: Int
    public var fixtures: Fixtures
    public var storageDirectory: String
    /// The base of `file_url`s; nil uses `http://` + the request's Host.
    public var publicURL: String?
    /// The largest file accepted, in bytes; one of exactly this size passes.
    public var maxFileSize: Int
    /// Seconds without a byte while a head or body is awaited (idle keep-alive too) before closing.
    public var idleTimeout: Double
    /// Seconds that requests in flight get to finish after shutdown begins.
    public var shutdownGrace: Double
    /// Open client connections across all workers; more are closed at once.
    public var maxConnections: Int
    /// Journal entries kept; older ones are dropped and counted.
    public var maxJournalEntries: Int
    /// A fixed `created_at`/`received_at` (`--clock`); nil for real time.
    public var clock: Timestamp?
    /// The first `message_id` (`--message-id-start`); nil starts at 1.
    public var messageIDStart: Int?
    /// The fixture file, re-read on SIGHUP; nil when the fixtures were given in code.
    public var fixturesPath: String?
    /// `--allow-fault-headers`: requests may pick their own fault with `X-Mock-Fault`.
    public var allowsFaultHeaders: Bool
    /// Where the access log (a line per request, info level) goes, written by each worker in
    /// batches in the ``LogLine`` format; nil sends it through the server's `Logger` instead.
    public var accessLogDescriptor: Int32?

    /// With `--clock` or `--message-id-start`, stored files are named by message id.
    public var isDeterministic: Bool { clock != nil || messageIDStart != nil }

    public init(host: String = "127.0.0.1", port: Int = 8080, workers: Int = 1, fixtures: Fixtures,
                storageDirectory: String, publicURL: String? = nil, maxFileSize: Int = 10_485_760,
                idleTimeout: Double = 30, shutdownGrace: Double = 5, maxConnections: Int = 4096,
                maxJournalEntries: Int = 10_000, clock: Timestamp? = nil, messageIDStart: Int? = nil,
                fixturesPath: String? = nil, allowsFaultHeaders: Bool = false, accessLogDescriptor: Int32? = nil) {
        self.host = host
        self.port = port
        self.workers = workers
        self.fixtures = fixtures
        self.storageDirectory = storageDirectory
        self.publicURL = publicURL
        self.maxFileSize = maxFileSize
        self.idleTimeout = idleTimeout
        self.shutdownGrace = shutdownGrace
        self.maxConnections = maxConnections
        self.maxJournalEntries = maxJournalEntries
        self.clock = clock
        self.messageIDStart = messageIDStart
        self.fixturesPath = fixturesPath
        self.allowsFaultHeaders = allowsFaultHeaders
        self.accessLogDescriptor = accessLogDescriptor
    }
}
