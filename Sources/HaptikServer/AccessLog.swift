import EventLoop
import Haptik

/// One worker's access log, written straight to a file descriptor: the lines of one turn of the
/// loop are gathered and written with one `write(2)` once the turn's events have run, instead of
/// one formatted log call and one `write` per request. Lives on its worker's thread.
final class AccessLog {
    /// A buffer this full is written at once rather than at the end of the turn.
    static let flushThreshold = 32_768

    private let descriptor: Int32
    /// ` worker=N`, as the logger's metadata would render it.
    private let metadata: [UInt8]
    private var pending: [UInt8] = []
    private var flushAtEndOfTurn: Wakeup?

    init(descriptor: Int32, workerIndex: Int, base: EventBase) throws(EventLoopError) {
        self.descriptor = descriptor
        metadata = Array(" worker=\(workerIndex)".utf8)
        pending.reserveCapacity(4_096)
        flushAtEndOfTurn = try Wakeup(base: base) { [unowned self] in flush() }
    }

    /// Adds the line of a finished request; it is written when the loop's current turn ends.
    func record(_ request: RequestRecord, connectionID: Int) {
        if pending.isEmpty { flushAtEndOfTurn?.trigger() }
        LogLine.append(at: .now(), level: "info", message: { request.appendAccessLogMessage(connectionID: connectionID, to: &$0) },
                       metadata: metadata, to: &pending)
        if pending.count >= Self.flushThreshold { flush() }
    }

    /// Writes every pending line. A full or failing descriptor drops them: a log must never stall
    /// or stop the server.
    func flush() {
        pending.withUnsafeBytes { writeAll($0, to: descriptor) }
        pending.removeAll(keepingCapacity: true)
    }
}
