import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Haptik
import HaptikServer
import Logging

/// `haptik-mock [flags]`: runs the emulator of Haptik's file-upload API in the foreground until
/// SIGTERM or SIGINT (CONTRACT §1); `haptik-mock healthcheck` probes a running one (``HealthCheck``).
@main
struct HaptikMock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haptik-mock",
        abstract: "A local emulator of Haptik's file-upload API (POST /v1.0/log_file_from_user/).",
        discussion: """
            Every option may also come from an environment variable HAPTIK_MOCK_<NAME> (capitals, '-' as '_'); \
            the flag wins. When ready, prints one line to stdout: Listening on http://HOST:PORT. Logs go to stderr. \
            SIGTERM or SIGINT stops it gracefully. 'haptik-mock healthcheck' exits 0 when a running server \
            answers GET /__admin/health with 200, else 1 (for container health checks; no curl needed).
            """,
        subcommands: [HealthCheck.self])

    @Option(help: "Address to listen on. [env: HAPTIK_MOCK_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 lets the OS choose. [env: HAPTIK_MOCK_PORT] (default: 8080)")
    var port: String?

    @Option(help: "Fixture file: clients, tokens, auth_ids, business_ids. [env: HAPTIK_MOCK_FIXTURES] (default: Fixtures/fixtures.json)")
    var fixtures: String?

    @Option(help: "Where uploads are stored; created with parents. [env: HAPTIK_MOCK_STORAGE_DIR] (default: a new directory under the system temp dir)")
    var storageDir: String?

    @Option(help: "Base of file_url, e.g. http://mock:8080. [env: HAPTIK_MOCK_PUBLIC_URL] (default: http:// + the request's Host)")
    var publicUrl: String?

    @Option(help: "Largest file accepted, in bytes. [env: HAPTIK_MOCK_MAX_FILE_SIZE] (default: 10485760)")
    var maxFileSize: String?

    @Option(help: "Event-loop threads. [env: HAPTIK_MOCK_WORKERS] (default: the number of CPU cores)")
    var workers: String?

    @Option(help: "debug, info (a line per request), warning or error. [env: HAPTIK_MOCK_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "Seconds without a byte before a waiting connection is closed. [env: HAPTIK_MOCK_IDLE_TIMEOUT] (default: 30)")
    var idleTimeout: String?

    @Option(help: "Seconds requests in flight get after SIGTERM. [env: HAPTIK_MOCK_SHUTDOWN_GRACE] (default: 5)")
    var shutdownGrace: String?

    @Option(help: "Open connections in all; more are closed at once. [env: HAPTIK_MOCK_MAX_CONNECTIONS] (default: 4096)")
    var maxConnections: String?

    @Option(help: "Journal entries kept; older ones are dropped and counted. [env: HAPTIK_MOCK_MAX_JOURNAL_ENTRIES] (default: 10000)")
    var maxJournalEntries: String?

    @Option(help: "Fix created_at to this ISO 8601 time (UTC unless an offset is given); files are then named by message_id. [env: HAPTIK_MOCK_CLOCK]")
    var clock: String?

    @Option(help: "The first message_id; files are then named by message_id. [env: HAPTIK_MOCK_MESSAGE_ID_START] (default: 1)")
    var messageIdStart: String?

    @Option(help: "Write the Listening URL to this file, atomically, once listening. [env: HAPTIK_MOCK_PORT_FILE]")
    var portFile: String?

    @Flag(help: "Honour X-Mock-Fault request headers (faults chosen per request). [env: HAPTIK_MOCK_ALLOW_FAULT_HEADERS=1]")
    var allowFaultHeaders = false

    var flags: Flags {
        Flags(host: host, port: port, fixtures: fixtures, storageDir: storageDir, publicURL: publicUrl,
              maxFileSize: maxFileSize, workers: workers, logLevel: logLevel, idleTimeout: idleTimeout,
              shutdownGrace: shutdownGrace, maxConnections: maxConnections, maxJournalEntries: maxJournalEntries,
              clock: clock, messageIDStart: messageIdStart, portFile: portFile, allowFaultHeaders: allowFaultHeaders)
    }

    func run() throws {
        let settings: Settings
        let configuration: ServerConfiguration
        do {
            settings = try Settings(flags: flags, environment: ProcessInfo.processInfo.environment)
            configuration = try settings.serverConfiguration()
        } catch {
            Self.exit(withError: ValidationError("\(error)"))
        }
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "haptik-mock")
        ProcessSetup.prepare(forConnections: configuration.maxConnections, logger: logger)
        let server: HaptikServer
        do {
            server = try HaptikServer.start(configuration, logger: logger)
        } catch {
            writeAll("haptik-mock: error: \(error)\n", to: STDERR_FILENO)
            throw ExitCode.failure
        }
        logger.info("ready", metadata: [
            "url": "\(server.url)", "storage": "\(configuration.storageDirectory)",
            "fixtures": "\(settings.fixturesPath)", "workers": "\(configuration.workers)",
        ])
        let signals = try SignalLoop(onTerminate: {
            logger.info("shutting down", metadata: ["grace_s": "\(configuration.shutdownGrace)"])
            server.shutdown()
        }, onReload: {
            do {
                try server.fixtures.reload()
                logger.info("fixtures reloaded", metadata: ["fixtures": "\(settings.fixturesPath)"])
            } catch {
                logger.error("fixtures not reloaded; the previous ones stay in use", metadata: ["error": "\(error)"])
            }
        })
        if let portFile = settings.portFile {
            do {
                try PortFile.write(url: server.url, to: portFile)
            } catch {
                writeAll("haptik-mock: error: \(error)\n", to: STDERR_FILENO)
                server.shutdown()
                server.waitUntilStopped()
                throw ExitCode.failure
            }
        }
        writeAll("Listening on \(server.url)\n", to: STDOUT_FILENO)   // unbuffered: flushed now
        signals.run()
        server.waitUntilStopped()
    }
}

