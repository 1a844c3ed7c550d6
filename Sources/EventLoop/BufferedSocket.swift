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

/// An accepted connection. Output goes through a `bufferevent` (write buffering, `sendfile`,
/// drain callbacks); input is read by this class's own persistent read event straight into the
/// bufferevent's input buffer, up to `maxSingleRead` bytes per `readv`: libevent 2.1's own reads
/// stop at 4 KiB (`EVBUFFER_MAX_READ`) and ask `FIONREAD` first, two system calls per 4 KiB.
///
/// The bufferevent holds a +1 on `self` from `init` until ``close()``, so the object lives exactly
/// as long as libevent may call it back; the delegate is held strongly until then too, and
/// released by ``close()``.
public final class BufferedSocket {
    private var bev: OpaquePointer?
    private var delegate: (any BufferedSocketDelegate)?
    /// Persistent `EV_READ` on the socket, added with the idle timeout while reading is on; freed
    /// in `deinit`, never from its own callback.
    private var readEvent: OpaquePointer?
    private var isReading = false
    private var readLowWatermark = 0
    private var maxSingleRead = 65_536
    private var idleTimeout = timeval()

    /// Takes ownership of `fd`; it is closed by ``close()``, or at once if wrapping fails.
    public init(base: EventBase, fd: Int32) throws(EventLoopError) {
        guard let bev = bufferevent_socket_new(base.raw, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)   // nobody else owns it yet
            throw .libevent("bufferevent_socket_new")
        }
        self.bev = bev
        bufferevent_setcb(bev, nil,
            { _, context in BufferedSocket.from(context)?.didWrite() },
            { _, events, context in BufferedSocket.from(context)?.didEvent(events) },
            Unmanaged.passRetained(self).toOpaque())
        readEvent = event_new(base.raw, fd, Int16(EV_READ | EV_PERSIST), { _, events, context in
            BufferedSocket.from(context)?.didBecomeReadable(Int32(events))
        }, Unmanaged.passUnretained(self).toOpaque())
        guard readEvent != nil else {
            close()
            throw .libevent("event_new")
        }
    }

    deinit {
        if let readEvent { event_free(readEvent) }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> BufferedSocket? {
        context.map { Unmanaged<BufferedSocket>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Starts reporting to `delegate` and reading. `maxSingleRead` bounds one `readv(2)`;
    /// `idleTimeout` ends the wait for input (and for the peer to take output) after that many
    /// seconds without progress.
    public func start(delegate: any BufferedSocketDelegate, maxSingleRead: Int, idleTimeout: Double) {
        guard let bev else { return }
        self.delegate = delegate
        self.maxSingleRead = maxSingleRead
        self.idleTimeout = timeval(seconds: idleTimeout)
        bufferevent_set_timeouts(bev, nil, &self.idleTimeout)
        bufferevent_enable(bev, Int16(EV_WRITE))
        setReading(true)
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
        guard bev != nil, let readEvent, isReading != enabled else { return }
        isReading = enabled
        if enabled {
            event_add(readEvent, &idleTimeout)
        } else {
            event_del(readEvent)
        }
    }

    /// Holds back ``BufferedSocketDelegate/socketHasInput(_:)`` until at least `bytes` are buffered
    /// (0: on every read), so that a body is handled in batches rather than per socket read.
    public func setReadLowWatermark(_ bytes: Int) {
        readLowWatermark = bytes
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
        setReading(false)
        self.bev = nil
        bufferevent_free(bev)
        delegate = nil
        Unmanaged.passUnretained(self).release()
    }

    /// Reads what the socket has and reports it once the low watermark is reached; reports the
    /// end on EOF, an error or the idle timeout.
    private func didBecomeReadable(_ events: Int32) {
        guard let bev else { return }
        if events & Int32(EV_TIMEOUT) != 0 {
            setReading(false)
            delegate?.socket(self, didEndWith: .timeout)
            return
        }
        guard let input = bufferevent_get_input(bev) else { return }
        let received = read(into: input, from: bufferevent_getfd(bev))
        if received > 0 {
            if evbuffer_get_length(input) >= readLowWatermark { delegate?.socketHasInput(self) }
        } else if received < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
            return
        } else {
            setReading(false)
            delegate?.socket(self, didEndWith: received == 0 ? .endOfFile : .error)
        }
    }

    /// One `readv` of up to `maxSingleRead` bytes into space reserved at the end of `input`; the
    /// bytes read are committed there. Returns `readv`'s result (errno set when negative).
    private func read(into input: OpaquePointer, from fd: Int32) -> Int {
        // A bufferevent keeps its input's end frozen so that only it appends there, as it does when
        // it reads itself: thawed for this read only.
        evbuffer_unfreeze(input, 0)
        defer { evbuffer_freeze(input, 0) }
        // libevent's `evbuffer_iovec` is the system's `iovec`.
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { space -> Int in
            guard let spaceBase = space.baseAddress else { return -1 }
            let count = Int(evbuffer_reserve_space(input, maxSingleRead, spaceBase, 2))
            guard count > 0 else {
                errno = ENOMEM
                return -1
            }
            let received = readv(fd, spaceBase, Int32(count))
            guard received > 0 else { return received }
            var remaining = received
            for index in 0..<count {   // what each reserved vector actually holds
                space[index].iov_len = min(space[index].iov_len, remaining)
                remaining -= space[index].iov_len
            }
            evbuffer_commit_space(input, spaceBase, Int32(count))
            return received
        }
    }

    private func didWrite() { delegate?.socketDidDrainOutput(self) }

    /// Output failed or timed out (input is read above).
    private func didEvent(_ events: Int16) {
        let events = Int32(events)
        let reason: SocketEnd =
            events & BEV_EVENT_TIMEOUT != 0 ? .timeout : events & BEV_EVENT_EOF != 0 ? .endOfFile : .error
        delegate?.socket(self, didEndWith: reason)
    }
}

@available(*, unavailable)
extension BufferedSocket: Sendable {}
