import HTTP1
#if canImport(Glibc)
import Glibc
#endif

/// What the access log says about one request, filled in as it proceeds.
struct RequestRecord {
    let method: String
    let path: Substring
    let keepAlive: Bool
    let startNanoseconds: UInt64
    var bodyBytes = 0
    var status = 0

    init(head: RequestHead) {
        method = head.method
        path = head.path
        keepAlive = head.keepAlive
        startNanoseconds = Self.monotonicNanoseconds()
    }

    var elapsedMicroseconds: UInt64 {
        (Self.monotonicNanoseconds() - startNanoseconds) / 1_000
    }

    /// `request connection.id=3 http.method=POST http.path=/x http.status=200 http.bytes=10837
    /// duration_us=412`, written as bytes: string interpolation cost about twice as much.
    func appendAccessLogMessage(connectionID: Int, to line: inout [UInt8]) {
        line.append(contentsOf: "request connection.id=".utf8)
        ResponseEncoder.appendDecimal(connectionID, to: &line)
        line.append(contentsOf: " http.method=".utf8)
        line.append(contentsOf: method.utf8)
        line.append(contentsOf: " http.path=".utf8)
        var path = path
        path.withUTF8 { line.append(contentsOf: $0) }   // in one copy, not byte by byte
        line.append(contentsOf: " http.status=".utf8)
        ResponseEncoder.appendDecimal(status, to: &line)
        line.append(contentsOf: " http.bytes=".utf8)
        ResponseEncoder.appendDecimal(bodyBytes, to: &line)
        line.append(contentsOf: " duration_us=".utf8)
        ResponseEncoder.appendDecimal(Int(elapsedMicroseconds), to: &line)
    }

    /// The same message as a String, for a `Logger`.
    func accessLogMessage(connectionID: Int) -> String {
        var line: [UInt8] = []
        line.reserveCapacity(112 + method.utf8.count + path.utf8.count)
        appendAccessLogMessage(connectionID: connectionID, to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
