/// Decides who is calling, from the `Authorization` and `client-id` headers, and what that
/// client may send. Built once from ``Fixtures``; immutable and shared by every worker.
///
/// Tokens are compared in constant time: the presented token is compared with every known token,
/// over each known token's whole length without stopping early, so the time taken depends on the
/// fixtures only, never on how much of the presented token matched.
public struct Authenticator: Sendable {
    /// A client that proved who it is.
    public struct Caller: Sendable, Equatable {
        public let clientID: String
        let authIDs: Set<String>
        let businessIDs: Set<Int>

        /// Whether `authID` is registered for this client (any passes when the fixture lists none).
        public func isRegistered(authID: String) -> Bool {
            authIDs.isEmpty || authIDs.contains(authID)
        }

        /// Whether `businessID` is one of this client's (any passes when the fixture lists none).
        public func allows(businessID: Int) -> Bool {
            businessIDs.isEmpty || businessIDs.contains(businessID)
        }
    }

    private let callers: [(token: [UInt8], caller: Caller)]

    public init(fixtures: Fixtures) {
        var callers: [(token: [UInt8], caller: Caller)] = []
        for client in fixtures.clients {
            let caller = Caller(clientID: client.clientID, authIDs: Set(client.authIDs ?? []),
                                businessIDs: Set(client.businessIDs ?? []))
            for token in client.tokens { callers.append((Array(token.utf8), caller)) }
        }
        self.callers = callers
    }

    /// The caller for `authorization` (`Bearer <token>`, scheme in any case) and `clientID`.
    /// - Throws: ``UploadRejection/unauthorized(_:)`` with `token_unknown` for a missing, malformed
    ///   or unknown token, `client_id_mismatch` when the token belongs to another client.
    public func authenticate(authorization: String?, clientID: String?) throws(UploadRejection) -> Caller {
        guard let token = authorization.flatMap(Self.bearerToken), let caller = caller(for: token) else {
            throw .unauthorized(.tokenUnknown)
        }
        guard clientID == caller.clientID else { throw .unauthorized(.clientIDMismatch) }
        return caller
    }

    /// The caller whose token is `presented` (the first, if fixtures repeat a token), after comparing
    /// with every known token.
    private func caller(for presented: [UInt8]) -> Caller? {
        var found: Caller?
        for entry in callers where Self.constantTimeEquals(entry.token, presented) && found == nil {
            found = entry.caller
        }
        return found
    }

    /// Whether the two are equal, in a time that depends on `known`'s length only.
    static func constantTimeEquals(_ known: [UInt8], _ presented: [UInt8]) -> Bool {
        guard !known.isEmpty, !presented.isEmpty else { return known.isEmpty && presented.isEmpty }
        var difference = UInt(bitPattern: known.count ^ presented.count)
        for index in known.indices {
            difference |= UInt(known[index] ^ presented[index % presented.count])
        }
        return difference == 0
    }

    /// The token of a `Bearer` credential (RFC 6750 §2.1), as bytes, or nil.
    static func bearerToken(_ authorization: String) -> [UInt8]? {
        var authorization = authorization
        return authorization.withUTF8 { utf8 in
            guard utf8.count > 7, utf8.prefix(7).elementsEqual("bearer ".utf8, by: { ($0 | 0x20) == ($1 | 0x20) })
            else { return nil }
            let token = utf8.dropFirst(7).drop { $0 == 0x20 }
            return token.isEmpty ? nil : Array(token)
        }
    }
}
