import CLibevent
#if canImport(Glibc)
import Glibc
#endif

/// What a ``BufferedSocket`` reports to its owner, always on the loop's thread.
public protocol BufferedSocketDelegate: AnyObject {
    /// New bytes are in ``BufferedSocket/input``.
    func socketHasInput(_ socket: BufferedSocket)
    /// Everything written so far has been handed to the kernel.
    func socketDidDrainOutput(_ socket: BufferedSocket)
    /// The peer closed, the socket failed, or no byte came within the read timeout. The socket still
    /// needs ``BufferedSocket/close()``.
    func socket(_ socket: BufferedSocket, didEndWith reason: SocketEnd)
}

/// Why a socket stopped being readable.
public enum SocketEnd: Equatable, Sendable {
    case endOfFile, error, timeout
}

/// An accepted connection (a `bufferevent`). The bufferevent holds a +1 on `self` from `init`
/// until ``close()``, so the object lives exactly as long as libevent may call it back; the
/// delegate is held strongly until then too, and released by ``close()``.
public final class BufferedSocket {
    private var bev: OpaquePointer?
    private var delegate: (any BufferedSocketDelegate)?
    private var isReading = false
    private var readLowWatermark = 0

    /// Takes ownership of `fd`; it is closed by ``close()``, or at once if wrapping fails.
    public init(base: EventBase, fd: Int32) throws(EventLoopError) {
        guard let bev = bufferevent_socket_new(base.raw, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)   // nobody else owns it yet
            throw .libevent("bufferevent_socket_new")
        }
        self.bev = bev
        bufferevent_setcb(bev,
            { _, context in BufferedSocket.from(context)?.didRead() },
            { _, context in BufferedSocket.from(context)?.didWrite() },
            { _, events, context in BufferedSocket.from(context)?.didEvent(events) },
            Unmanaged.passRetained(self).toOpaque())
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> BufferedSocket? {
        context.map { Unmanaged<BufferedSocket>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Starts reporting to `delegate` and reading. `maxSingleRead` bounds one `read(2)`;
    /// `idleTimeout` closes the wait for input after that many seconds without a byte.
    public func start(delegate: any BufferedSocketDelegate, maxSingleRead: Int, idleTimeout: Double) {
        guard let bev else { return }
        self.delegate = delegate
        bufferevent_set_max_single_read(bev, maxSingleRead)
        var timeout = timeval(seconds: idleTimeout)
        bufferevent_set_timeouts(bev, &timeout, &timeout)
        bufferevent_enable(bev, Int16(EV_READ | EV_WRITE))
        isReading = true
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool { bev == nil }

    /// Bytes received and not yet drained. Empty once closed.
    public var input: InputBuffer { InputBuffer(raw: bev.flatMap { bufferevent_get_input($0) }) }

    /// Whether bytes wait to be read: buffered in ``input``, or still in the kernel (`FIONREAD`), so
    /// that a connection whose request has arrived but not been read yet is not taken for idle.
    public var hasUnreadInput: Bool {
        guard let bev else { return false }
        if evbuffer_get_length(bufferevent_get_input(bev)) > 0 { return true }
        var available: Int32 = 0
        return ioctl(bufferevent_getfd(bev), UInt(FIONREAD), &available) == 0 && available > 0
    }

    /// Bytes queued for sending and not yet handed to the kernel.
    public var pendingOutputCount: Int {
        guard let bev else { return 0 }
        return evbuffer_get_length(bufferevent_get_output(bev))
    }

    /// Pauses or resumes reading (and its timeout). Bytes already buffered stay in ``input``.
    public func setReading(_ enabled: Bool) {
        guard let bev, isReading != enabled else { return }
        isReading = enabled
        if enabled {
            bufferevent_enable(bev, Int16(EV_READ))
        } else {
            bufferevent_disable(bev, Int16(EV_READ))
        }
    }

    /// Holds back ``BufferedSocketDelegate/socketHasInput(_:)`` until at least `bytes` are buffered
    /// (0: on every read), so that a body is handled in batches rather than per 4 KiB socket read.
    public func setReadLowWatermark(_ bytes: Int) {
        guard let bev, bytes != readLowWatermark else { return }
        readLowWatermark = bytes
        bufferevent_setwatermark(bev, Int16(EV_READ), bytes, 0)
    }

    /// Sends bytes. When nothing is queued before them they go straight to the kernel with one
    /// `send(2)`, sparing the write event's registration; whatever the kernel does not take at once
    /// is queued (copied into the output buffer) and sent as the socket allows.
    public func write(_ bytes: [UInt8]) {
        guard let bev else { return }
        bytes.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            var sent = 0
            if evbuffer_get_length(bufferevent_get_output(bev)) == 0 {
                sent = max(0, send(bufferevent_getfd(bev), start, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)))
            }
            if sent < bytes.count { _ = bufferevent_write(bev, start + sent, bytes.count - sent) }
        }
    }

    /// Queues `length` bytes of the open file `fd` from `offset`, sent with `sendfile` where
    /// possible. Takes ownership of `fd`, which libevent closes once sent (or at once on failure).
    public func writeFile(fd: Int32, offset: Int, length: Int) {
        guard let bev, evbuffer_add_file(bufferevent_get_output(bev), fd, Int64(offset), Int64(length)) == 0 else {
            Glibc.close(fd)
            return
        }
    }

    /// Tells the peer no more bytes will come (`shutdown(SHUT_WR)`), while still reading.
    public func shutdownOutput() {
        guard let bev else { return }
        shutdown(bufferevent_getfd(bev), Int32(SHUT_WR))
    }

    /// Whether the peer has closed its side or reset the connection, known without reading
    /// (`TCP_INFO`): for a connection that stopped reading on purpose. A close the peer sent after
    /// bytes the kernel could not take yet is not seen until those bytes are read.
    public var peerHasLeft: Bool {
        guard let bev else { return true }
        return haptik_tcp_peer_has_left(bufferevent_getfd(bev)) != 0
    }

    /// Closes with a TCP reset (`SO_LINGER` of 0) instead of an orderly close, dropping anything
    /// unsent: what a client sees when a server crashes or a middlebox cuts the connection.
    public func reset() {
        guard let bev else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Frees the bufferevent (closing the socket), then drops the delegate and the +1. Safe to call twice.
    public func close() {
        guard let bev else { return }
        self.bev = nil
        bufferevent_free(bev)
        delegate = nil
        Unmanaged.passUnretained(self).release()
    }

    private func didRead() { delegate?.socketHasInput(self) }

    private func didWrite() { delegate?.socketDidDrainOutput(self) }

    private func didEvent(_ events: Int16) {
        let events = Int32(events)
        if events & BEV_EVENT_READING != 0 { isReading = false }   // libevent stops reading on EOF, error or timeout
        let reason: SocketEnd =
            events & BEV_EVENT_TIMEOUT != 0 ? .timeout : events & BEV_EVENT_EOF != 0 ? .endOfFile : .error
        delegate?.socket(self, didEndWith: reason)
    }
}

@available(*, unavailable)
extension BufferedSocket: Sendable {}
