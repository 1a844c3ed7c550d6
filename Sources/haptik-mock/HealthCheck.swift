import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import HaptikServer

/// `haptik-mock healthcheck [--url BASE] [--timeout SECONDS]` (CONTRACT §9): GETs
/// `BASE/__admin/health` and exits 0 on a 200 answer, else 1 (refused, timed out, another status,
/// or an unusable `--url`/`--timeout`), with one line on stderr saying why.
///
/// Made for a container's `HEALTHCHECK`: the image needs no curl, and the default base,
/// `http://127.0.0.1:<HAPTIK_MOCK_PORT or 8080>`, follows the port the server was given through
/// the same variable.
struct HealthCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 if a running server answers GET /__admin/health with 200, else 1.",
        discussion: """
            Prints one line to stdout when healthy, one line to stderr when not. Only http:// URLs; \
            IPv6 addresses in brackets (http://[::1]:8080).
            """)

    @Option(help: "Base URL of the server. (default: http://127.0.0.1:<HAPTIK_MOCK_PORT or 8080>)")
    var url: String?

    @Option(help: "Seconds to wait for the whole exchange. (default: 2)")
    var timeout: String?

    func run() throws {
        do {
            let target = try HealthURL(parsing: url ?? Self.defaultBase(ProcessInfo.processInfo.environment))
            let seconds = try Self.seconds(timeout)
            let answer = try HealthProbe(url: target, timeout: seconds).run()
            guard answer.status == 200 else {
                throw HealthCheckError.unhealthy(url: target.description, status: answer.status, line: answer.line)
            }
            writeAll("healthy: \(target.description) answered \(answer.line)\n", to: STDOUT_FILENO)
        } catch let error as HealthCheckError {
            writeAll("haptik-mock healthcheck: \(error)\n", to: STDERR_FILENO)
            throw ExitCode.failure
        }
    }

    /// `http://127.0.0.1:<port>`, the port from `HAPTIK_MOCK_PORT` (unset or empty: 8080).
    /// - Throws: ``HealthCheckError/badSetting(_:)`` when the variable is not a port that can be probed.
    static func defaultBase(_ environment: [String: String]) throws(HealthCheckError) -> String {
        guard let value = environment["HAPTIK_MOCK_PORT"], !value.isEmpty else { return "http://127.0.0.1:8080" }
        guard let port = Int(value), (1...65_535).contains(port) else {
            throw .badSetting("HAPTIK_MOCK_PORT must be a port in 1...65535 to probe (or pass --url); got '\(value)'")
        }
        return "http://127.0.0.1:\(port)"
    }

    /// `--timeout`'s value: a number of seconds in (0, 86400]; 2 when absent.
    static func seconds(_ text: String?) throws(HealthCheckError) -> Double {
        guard let text else { return 2 }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw .badSetting("--timeout must be a number of seconds in (0, 86400]; got '\(text)'")
        }
        return seconds
    }
}
