#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client over one loopback TCP connection, for protocol edge cases no real
/// client would send: it writes exactly the bytes it is given and parses answers byte by byte.
///
/// The socket's receive and send timeouts (`SO_RCVTIMEO`, `SO_SNDTIMEO`) are its only bounds: a read
/// that sees no byte for ``timeout`` seconds throws ``RawHTTPClientError/timedOut``. Not thread-safe;
/// one test drives one client. The socket closes on ``close()`` or when the client is released.
public final class RawHTTPClient {
    /// How an ended byte stream ended.
    public enum StreamEnd: Equatable, Sendable {
        /// An orderly close (FIN): `recv` returned 0.
        case closed
        /// The peer reset the connection (RST): `ECONNRESET`.
        case reset
    }

    /// Seconds a single read or write may wait for progress.
    public let timeout: Double
    private var fd: Int32
    /// Bytes received but not yet handed out (the start of a pipelined answer, say).
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`.
    /// - Throws: ``RawHTTPClientError/connectFailed(errno:)`` (`ECONNREFUSED` when nothing listens).
    public init(port: Int, timeout: Double = 10) throws(RawHTTPClientError) {
        self.timeout = timeout
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed(errno: errno) }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            fd = -1
            throw .connectFailed(errno: code)
        }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    // MARK: - Sending

    /// Writes every byte of `bytes` (one `send` loop, `MSG_NOSIGNAL`).
    /// - Throws: ``RawHTTPClientError/sendFailed(errno:)`` when the peer has gone (`EPIPE`, `ECONNRESET`).
    public func send(_ bytes: [UInt8]) throws(RawHTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw .sendFailed(errno: errno)
            }
            offset += sent
        }
    }

    /// Writes `text` as UTF-8.
    public func send(_ text: String) throws(RawHTTPClientError) {
        try send(Array(text.utf8))
    }

    /// Writes `bytes` in pieces of at most `pieceSize` bytes, one `send` loop each, so the server
    /// sees the input cut at many places (the kernel may still merge pieces; it never reorders them).
    public func sendInPieces(_ bytes: [UInt8], pieceSize: Int) throws(RawHTTPClientError) {
        precondition(pieceSize > 0)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + pieceSize)
            try send(Array(bytes[start..<end]))
            start = end
        }
    }

    /// Half-closes the connection: the server reads EOF, the client can still read answers.
    public func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes the socket normally (FIN). Safe to call twice.
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Closes the socket with `SO_LINGER` 0, so the kernel sends a reset (RST) instead of a FIN,
    /// as a crashed client or a proxy giving up does.
    public func abort() {
        guard fd >= 0 else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    // MARK: - Receiving

    /// Reads one response: status line, fields, and a body of `Content-Length` bytes (none for
    /// 1xx, 204 and 304; to EOF when neither length nor chunking is given). A `100 Continue` is
    /// returned as a response of its own.
    /// - Throws: ``RawHTTPClientError`` on timeout, reset, EOF before a whole answer, or a malformed one.
    public func readResponse() throws(RawHTTPClientError) -> RawResponse {
        let headEnd = try fillUntil { buffer in Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer) }
        let head = Array(buffer[..<headEnd])
        buffer.removeFirst(headEnd + 4)
        var response = try RawResponse(head: head)
        if (100..<200).contains(response.status) || response.status == 204 || response.status == 304 {
            return response
        }
        if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw .malformedResponse("Content-Length: \(lengthText)")
            }
            _ = try fillUntil { buffer in buffer.count >= length ? length : nil }
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else if response.header("Transfer-Encoding") != nil {
            throw .malformedResponse("chunked answers are not supported by RawHTTPClient")
        } else {
            let rest = try readUntilEnd()
            response.body = rest.bytes
        }
        return response
    }

    /// Reads every remaining byte until the peer closes or resets the connection.
    /// - Returns: the bytes read (buffered ones first) and how the stream ended.
    /// - Throws: ``RawHTTPClientError/timedOut(received:)`` when neither happens within ``timeout``
    ///   of the last byte.
    public func readUntilEnd() throws(RawHTTPClientError) -> (bytes: [UInt8], end: StreamEnd) {
        var collected = buffer
        buffer = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                collected.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                return (collected, .closed)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET {
                return (collected, .reset)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw .timedOut(received: collected)
            } else {
                throw .receiveFailed(errno: errno)
            }
        }
    }

    /// Reads until `complete(buffer)` returns an offset, and returns that offset.
    private func fillUntil(_ complete: ([UInt8]) -> Int?) throws(RawHTTPClientError) -> Int {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let offset = complete(buffer) { return offset }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                throw .closedBeforeResponse(received: buffer)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET {
                throw .reset(received: buffer)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw .timedOut(received: buffer)
            } else {
                throw .receiveFailed(errno: errno)
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}

/// Why a ``RawHTTPClient`` call failed. Cases carrying `received` hold the bytes read so far.
public enum RawHTTPClientError: Error, Equatable, CustomStringConvertible {
    case connectFailed(errno: Int32)
    case sendFailed(errno: Int32)
    case receiveFailed(errno: Int32)
    /// No byte for the client's timeout.
    case timedOut(received: [UInt8])
    /// The peer closed before a whole answer arrived.
    case closedBeforeResponse(received: [UInt8])
    /// The peer reset the connection before a whole answer arrived.
    case reset(received: [UInt8])
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .connectFailed(let code): "connect failed: \(String(cString: strerror(code)))"
        case .sendFailed(let code): "send failed: \(String(cString: strerror(code)))"
        case .receiveFailed(let code): "recv failed: \(String(cString: strerror(code)))"
        case .timedOut(let received): "timed out after \(received.count) bytes: \(Self.preview(received))"
        case .closedBeforeResponse(let received):
            "closed before a whole answer, after \(received.count) bytes: \(Self.preview(received))"
        case .reset(let received): "reset after \(received.count) bytes: \(Self.preview(received))"
        case .malformedResponse(let detail): "malformed response: \(detail)"
        }
    }

    private static func preview(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
    }
}

/// One parsed HTTP response.
public struct RawResponse: Equatable, Sendable {
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    public var status: Int
    public var reason: String
    /// Field lines in order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// Parses a status line and field lines (CRLF-separated, without the blank line).
    init(head: [UInt8]) throws(RawHTTPClientError) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.split(separator: "\r\n" as Character, omittingEmptySubsequences: false)
        let statusLine = String(lines.removeFirst())
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .malformedResponse("status line \(statusLine.debugDescription)")
        }
        version = String(parts[0])
        self.status = status
        reason = parts.count > 2 ? String(parts[2]) : ""
        headers = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedResponse("field line \(line.debugDescription)") }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((String(line[..<colon]), String(value)))
        }
        body = []
    }

    /// The first value of the field `name`, compared case-insensitively, or nil.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of the field `name`.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Whether the answer says the connection closes after it (`Connection: close`).
    public var closesConnection: Bool {
        header("Connection")?.lowercased() == "close"
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public static func == (lhs: RawResponse, rhs: RawResponse) -> Bool {
        lhs.version == rhs.version && lhs.status == rhs.status && lhs.reason == rhs.reason && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}
