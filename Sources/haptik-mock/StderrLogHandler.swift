import Haptik
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Writes each log record as one line to stderr with one `write(2)`, without Foundation formatting:
/// `2026-11-26T01:02:03.456Z info request worker=0 http.method=POST ...`. Lines under the pipe
/// buffer size are never interleaved between threads.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {}

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        Timestamp.now().appendISO8601(to: &line)
        line.append(0x20)
        line.append(contentsOf: event.level.rawValue.utf8)
        line.append(0x20)
        line.append(contentsOf: event.message.description.utf8)
        if !metadata.isEmpty { append(metadata, to: &line) }
        if let extra = event.metadata, !extra.isEmpty { append(extra, to: &line) }
        line.append(0x0A)
        line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private func append(_ metadata: Logger.Metadata, to line: inout [UInt8]) {
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line.append(0x20)
            line.append(contentsOf: key.utf8)
            line.append(UInt8(ascii: "="))
            line.append(contentsOf: value.description.utf8)
        }
    }
}
