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

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
