import CLibevent
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on one loop (an `evconnlistener`). Several loops may listen on the same
/// address: each binds with `SO_REUSEPORT` and the kernel spreads new connections across them.
public final class Listener {
    private var raw: OpaquePointer?
    private let onAccept: (Int32) -> Void
    /// The address as bound, with the real port when port 0 was asked for.
    public private(set) var address: SocketAddress

    /// Binds and listens. `onAccept` receives each new non-blocking, close-on-exec socket and owns it.
    public init(base: EventBase, address: SocketAddress, backlog: Int32 = 1024,
                onAccept: @escaping (Int32) -> Void) throws(EventLoopError) {
        self.address = address
        self.onAccept = onAccept
        let flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_EXEC
        let context = Unmanaged.passUnretained(self).toOpaque()
        let listener = address.withSockaddr { sockaddr, length in
            evconnlistener_new_bind(base.raw, { _, fd, _, _, context in
                guard let context else { return }
                Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue().onAccept(fd)
            }, context, UInt32(flags), backlog, sockaddr, Int32(length))
        }
        guard let listener else {
            throw .cannotListen(address: address.description, reason: String(cString: strerror(errno)))
        }
        raw = listener
        // Accept errors (EMFILE and the like) must not end the loop: libevent retries on the next event.
        evconnlistener_set_error_cb(listener) { _, _ in }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = evconnlistener_get_fd(listener)
        withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        let port = withUnsafeBytes(of: bound) { Int(UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self))) }
        self.address = address.withPort(port)
    }

    deinit { close() }

    /// Stops listening and closes the socket at once; later connections are refused. Idempotent.
    public func close() {
        guard let raw else { return }
        self.raw = nil
        evconnlistener_free(raw)
    }

    /// Fails with the address in use, without `SO_REUSEPORT`, so that a port another process holds
    /// is reported instead of silently shared. Binds and closes a throwaway socket.
    public static func probe(_ address: SocketAddress) throws(EventLoopError) {
        let fd = socket(Int32(address.storage.ss_family), Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotListen(address: address.description, reason: String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = address.withSockaddr { bind(fd, $0, $1) }
        guard result == 0 else {
            throw .cannotListen(address: address.description, reason: String(cString: strerror(errno)))
        }
    }
}

@available(*, unavailable)
extension Listener: Sendable {}
