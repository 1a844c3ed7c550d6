/// One fault rule (CONTRACT §10): which requests it matches, how often it fires, and its action.
/// Made from a JSON object (``init(fields:)``) whose members it keeps, to list them as sent.
public struct FaultRule: Sendable, Equatable {
    /// The members of the rule as sent, in their order.
    public let fields: [JSONMember]
    public let matcher: FaultMatcher
    /// Fires for the next `times` matches that draw a hit, then retires; nil: no limit.
    public let times: Int?
    /// The chance that a match fires, drawn once per match; nil: every match.
    public let probability: Double?
    /// Seeds the draws, so that the same seed gives the same sequence on a fresh server.
    public let seed: UInt64?
    public let action: FaultAction
}

/// Which requests a rule applies to: every field that is set must equal the request's.
public struct FaultMatcher: Sendable, Equatable {
    public var clientID: String?
    public var authID: String?
    public var session: String?
    public var messageType: Int?

    /// Whether the matcher needs fields of the body (`auth_id`, `message_type`).
    public var readsBody: Bool { authID != nil || messageType != nil }

    public func matches(_ request: FaultRequest) -> Bool {
        (clientID == nil || clientID == request.clientID)
            && (session == nil || session == request.session)
            && (authID == nil || authID == request.authID)
            && (messageType == nil || messageType == request.messageType)
    }
}

/// What rules match on: the head's `client-id` and `X-Mock-Session`, and once the body is read,
/// its `auth_id` and `message_type`.
public struct FaultRequest: Sendable {
    public var clientID: String?
    public var session: String?
    public var authID: String?
    public var messageType: Int?

    public init(clientID: String?, session: String?, authID: String? = nil, messageType: Int? = nil) {
        self.clientID = clientID
        self.session = session
        self.authID = authID
        self.messageType = messageType
    }
}
