/// Why `haptik-mock healthcheck` reports the server unhealthy (or could not ask); each case's
/// description is the one line written to stderr.
enum HealthCheckError: Error, Equatable, CustomStringConvertible {
    /// `--url` (or the default built from `HAPTIK_MOCK_PORT`) is not a usable `http://` URL.
    case badURL(String, String)
    /// A setting other than the URL is unusable: the text names the flag or variable and the value.
    case badSetting(String)
    /// The host name did not resolve.
    case resolve(host: String, message: String)
    /// Every address refused or failed; `message` is the last `strerror`.
    case connect(address: String, message: String)
    /// Sending or receiving failed after the connection was made.
    case io(address: String, message: String)
    /// The deadline passed; `stage` is what was awaited ("a connection", "an answer").
    case timedOut(address: String, stage: String, seconds: Double)
    /// The server closed the connection before a full status line.
    case noAnswer(address: String)
    /// The first line of the answer is not `HTTP/1.x NNN ...`.
    case malformedStatusLine(address: String, line: String)
    /// A well-formed answer with a status other than 200.
    case unhealthy(url: String, status: Int, line: String)

    var description: String {
        switch self {
        case .badURL(let url, let problem): "--url '\(url)': \(problem)"
        case .badSetting(let message): message
        case .resolve(let host, let message): "cannot resolve '\(host)': \(message)"
        case .connect(let address, let message): "cannot connect to \(address): \(message)"
        case .io(let address, let message): "connection to \(address) failed: \(message)"
        case .timedOut(let address, let stage, let seconds):
            "no \(stage) from \(address) within \(Self.format(seconds)) s"
        case .noAnswer(let address): "\(address) closed the connection without an answer"
        case .malformedStatusLine(let address, let line): "\(address) answered with a malformed status line: '\(line)'"
        case .unhealthy(let url, let status, let line): "\(url) answered \(status) ('\(line)'), not 200"
        }
    }

    /// `2` for whole seconds, else up to three decimals (`0.25`).
    private static func format(_ seconds: Double) -> String {
        if seconds == seconds.rounded(), seconds < 1e9 { return String(Int(seconds)) }
        let millis = Int((seconds * 1000).rounded())
        var fraction = String(millis % 1000)
        while fraction.count < 3 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(millis / 1000).\(fraction)"
    }
}
