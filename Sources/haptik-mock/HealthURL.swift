/// The parts of an `http://` base URL that the health probe needs: `http://host[:port][/prefix]`,
/// where `host` is a name, an IPv4 address or a bracketed IPv6 address (`http://[::1]:8080`).
///
/// Only plain HTTP: the mock never speaks TLS. User info, queries and fragments are refused rather
/// than ignored, so a mistyped URL is reported instead of probing something else.
struct HealthURL: Equatable, Sendable {
    /// The host as `getaddrinfo` takes it: an IPv6 address without its brackets.
    var host: String
    var port: Int
    /// The base's path without a trailing `/` (`""` for `http://host:port` or `http://host:port/`).
    var pathPrefix: String

    /// The request target: the base's path, then `/__admin/health` (CONTRACT §9).
    var target: String { pathPrefix + "/__admin/health" }

    /// The `Host` header value (RFC 9110 §7.2): brackets around an IPv6 address, the port always.
    var hostHeader: String { "\(displayHost):\(port)" }

    /// `host` as it appears in a URL: bracketed when it contains a colon.
    var displayHost: String { host.contains(":") ? "[\(host)]" : host }

    /// The URL probed, for messages: `http://127.0.0.1:8080/__admin/health`.
    var description: String { "http://\(hostHeader)\(target)" }

    /// Parses `text`; the port defaults to 80 when absent.
    /// - Throws: ``HealthCheckError/badURL(_:_:)`` saying what is wrong.
    init(parsing text: String) throws(HealthCheckError) {
        let scheme = "http://"
        guard text.count > scheme.count, text.prefix(scheme.count).lowercased() == scheme else {
            let hint = text.lowercased().hasPrefix("https://") ? "the mock serves plain HTTP only" : "must start with http://"
            throw .badURL(text, hint)
        }
        let rest = text.dropFirst(scheme.count)
        if rest.contains(where: { $0 == "?" || $0 == "#" }) { throw .badURL(text, "must not have a query or fragment") }
        let authority = rest.prefix { $0 != "/" }
        var path = rest.dropFirst(authority.count)
        while path.hasSuffix("/") { path = path.dropLast() }
        if authority.contains("@") { throw .badURL(text, "must not carry user information") }

        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .badURL(text, "has '[' without ']'") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portPart = nil
            } else if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else {
                throw .badURL(text, "expected ':' and a port after ']'")
            }
            guard hostPart.contains(":") else { throw .badURL(text, "brackets are for IPv6 addresses only") }
        } else {
            let colons = authority.filter { $0 == ":" }.count
            guard colons <= 1 else { throw .badURL(text, "an IPv6 address must be in brackets, as http://[::1]:8080") }
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            } else {
                hostPart = authority
                portPart = nil
            }
        }
        guard !hostPart.isEmpty else { throw .badURL(text, "has no host") }
        var port = 80
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(portPart), (1...65_535).contains(number)
            else { throw .badURL(text, "port must be 1...65535") }
            port = number
        }
        self.host = String(hostPart)
        self.port = port
        self.pathPrefix = String(path)
    }
}
