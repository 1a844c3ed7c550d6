import Haptik
import HaptikServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Writes each log record as one line to stderr with one `write(2)` (``writeAll(_:to:)``), without
/// Foundation formatting, in the ``LogLine`` format the workers' batched access log shares:
/// `2026-11-26T01:02:03.456Z info ready url=... workers=2`. Lines under the pipe buffer size are
/// never interleaved between threads. The handler's own metadata is rendered once, when set.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadataProvider: Logger.MetadataProvider?
    var metadata: Logger.Metadata = [:] {
        didSet { renderedMetadata = Self.render(metadata) }
    }
    private var renderedMetadata: [UInt8] = []

    init(label: String) {}

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        var metadata = renderedMetadata
        if let extra = event.metadata, !extra.isEmpty { metadata += Self.render(extra) }
        LogLine.append(at: .now(), level: event.level.rawValue, message: { $0.append(contentsOf: event.message.description.utf8) },
                       metadata: metadata, to: &line)
        line.withUnsafeBytes { writeAll($0, to: STDERR_FILENO) }
    }

    /// ` key=value` pairs in key order.
    private static func render(_ metadata: Logger.Metadata) -> [UInt8] {
        var bytes: [UInt8] = []
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            bytes.append(0x20)
            bytes.append(contentsOf: key.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: value.description.utf8)
        }
        return bytes
    }
}
