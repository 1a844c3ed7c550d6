/// A failure of the event-loop layer, with the C call or address that failed, for start-up messages.
public enum EventLoopError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A libevent constructor returned NULL.
    case libevent(String)
    /// The host name did not resolve to an address.
    case unresolvableHost(String)
    /// Binding or listening on the address failed; `reason` is `strerror(errno)`.
    case cannotListen(address: String, reason: String)

    public var description: String {
        switch self {
        case .libevent(let call): "libevent call failed: \(call)"
        case .unresolvableHost(let host): "cannot resolve host \(host)"
        case .cannotListen(let address, let reason): "cannot listen on \(address): \(reason)"
        }
    }
}
