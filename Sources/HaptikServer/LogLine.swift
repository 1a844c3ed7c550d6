public import Haptik

/// The one format of a log line, shared by the executable's stderr handler and the workers'
/// access log: `2026-11-26T01:02:03.456Z info request connection.id=3 ... worker=0`, then LF.
public enum LogLine {
    /// Appends one line: the time, the level, the message, then `metadata` (already rendered as
    /// ` key=value` pairs) and a newline.
    public static func append(at time: Timestamp, level: String, message: (inout [UInt8]) -> Void,
                              metadata: [UInt8], to line: inout [UInt8]) {
        time.appendISO8601(to: &line)
        line.append(0x20)
        line.append(contentsOf: level.utf8)
        line.append(0x20)
        message(&line)
        line.append(contentsOf: metadata)
        line.append(0x0A)
    }
}
