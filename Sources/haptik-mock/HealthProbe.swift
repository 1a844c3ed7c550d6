#if canImport(Glibc)
import Glibc
#endif

/// One `GET <base>/__admin/health` over a fresh TCP connection, blocking the calling thread, with
/// one deadline for the whole exchange: connecting, sending and reading the status line.
///
/// A small socket client rather than an HTTP library, so the container image needs neither curl
/// nor Foundation's networking. The socket is non-blocking and every wait is a `poll(2)` bounded
/// by what is left of the deadline. Only the status line is read (RFC 9112 §4); the request asks
/// for `Connection: close`, and the rest of the answer is dropped with the socket. Name lookup
/// (`getaddrinfo`) happens before the clock starts and is not bounded by it; numeric addresses
/// never wait on it.
struct HealthProbe {
    let url: HealthURL
    /// Seconds for the whole exchange; more than 0.
    let timeout: Double

    /// A status line longer than this is not one the mock sends.
    private static let statusLineLimit = 8_192

    /// Connects, sends the request and reads the status line.
    /// - Returns: the status code and the status line without its CRLF.
    /// - Throws: ``HealthCheckError`` naming the address and what failed.
    func run() throws(HealthCheckError) -> (status: Int, line: String) {
        let addresses = try resolve()
        defer { freeaddrinfo(addresses) }
        let deadline = Deadline(seconds: timeout)
        let fd = try connect(addresses, before: deadline)
        defer { close(fd) }
        let request = "GET \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\n"
            + "User-Agent: haptik-mock-healthcheck\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        try send(Array(request.utf8), on: fd, before: deadline)
        let line = try readStatusLine(from: fd, before: deadline)
        guard let status = Self.statusCode(of: line) else {
            throw .malformedStatusLine(address: url.hostHeader, line: line)
        }
        return (status, line)
    }

    /// The code of `HTTP/1.x NNN reason` (the reason may be empty), or nil.
    static func statusCode(of line: String) -> Int? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 12, bytes.starts(with: Array("HTTP/1.".utf8)), (0x30...0x39).contains(bytes[7]),
              bytes[8] == 0x20, bytes[9...11].allSatisfy({ (0x30...0x39).contains($0) }),
              bytes.count == 12 || bytes[12] == 0x20
        else { return nil }
        return bytes[9...11].reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    // MARK: - Steps

    private func resolve() throws(HealthCheckError) -> UnsafeMutablePointer<addrinfo> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(url.host, String(url.port), &hints, &result)
        guard status == 0, let result else {
            let message = status == EAI_SYSTEM ? Self.systemError() : String(cString: gai_strerror(status))
            throw .resolve(host: url.host, message: message)
        }
        return result
    }

    /// Tries each address in turn until one connects; the deadline is shared by all.
    private func connect(_ addresses: UnsafeMutablePointer<addrinfo>,
                         before deadline: Deadline) throws(HealthCheckError) -> Int32 {
        var lastError = "no address"
        var next: UnsafeMutablePointer<addrinfo>? = addresses
        while let info = next {
            next = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                            info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = Self.systemError(); continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            guard errno == EINPROGRESS else { lastError = Self.systemError(); close(fd); continue }
            guard try wait(fd, for: POLLOUT, until: deadline) else {
                close(fd)
                throw .timedOut(address: url.hostHeader, stage: "connection", seconds: timeout)
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 { return fd }
            lastError = String(cString: strerror(error == 0 ? errno : error))
            close(fd)
        }
        throw .connect(address: url.hostHeader, message: lastError)
    }

    private func send(_ bytes: [UInt8], on fd: Int32, before deadline: Deadline) throws(HealthCheckError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 { offset += sent; continue }
            guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw .io(address: url.hostHeader, message: Self.systemError())
            }
            guard try wait(fd, for: POLLOUT, until: deadline) else {
                throw .timedOut(address: url.hostHeader, stage: "room to send the request", seconds: timeout)
            }
        }
    }

    /// Reads until the first CRLF (or LF) and returns the line before it.
    private func readStatusLine(from fd: Int32, before deadline: Deadline) throws(HealthCheckError) -> String {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1_024)
        while true {
            if let end = received.firstIndex(of: 0x0A) {
                let line = received[..<end].last == 0x0D ? received[..<(end - 1)] : received[..<end]
                return String(decoding: line, as: UTF8.self)
            }
            guard received.count < Self.statusLineLimit else {
                throw .malformedStatusLine(address: url.hostHeader, line: String(decoding: received.prefix(80), as: UTF8.self))
            }
            guard try wait(fd, for: POLLIN, until: deadline) else {
                throw .timedOut(address: url.hostHeader, stage: "answer", seconds: timeout)
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 {
                throw .noAnswer(address: url.hostHeader)
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                throw .io(address: url.hostHeader, message: Self.systemError())
            }
        }
    }

    /// Polls `fd` for `events` until ready or the deadline passes.
    /// - Returns: false if the deadline passed first; true when ready (or in error: the next call reports it).
    private func wait(_ fd: Int32, for events: Int32, until deadline: Deadline) throws(HealthCheckError) -> Bool {
        while true {
            let milliseconds = deadline.remainingMilliseconds()
            if milliseconds <= 0 { return false }
            var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready == 0 { continue }   // re-checks the clock: returns false once it has passed
            guard errno == EINTR else { throw .io(address: url.hostHeader, message: Self.systemError()) }
        }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}

/// A point on the monotonic clock, `seconds` after creation.
private struct Deadline {
    private let end: ContinuousClock.Instant

    init(seconds: Double) { end = ContinuousClock.now + .seconds(seconds) }

    /// Whole milliseconds left, rounded up so a wait never ends just before the deadline;
    /// 0 or less once it has passed. Capped to fit `poll`'s `Int32`.
    func remainingMilliseconds() -> Int32 {
        let left = end - ContinuousClock.now
        let (seconds, attoseconds) = left.components
        guard seconds >= 0, left > .zero else { return 0 }
        let millis = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis)
    }
}
