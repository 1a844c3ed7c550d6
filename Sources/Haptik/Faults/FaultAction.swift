/// What a fault does to the request it hits (CONTRACT §10). Pre-body actions are decided from the
/// head and act on the reading of the body; the others act on the answer.
public enum FaultAction: Sendable, Equatable {
    /// Reset the connection (TCP RST) right after the head.
    case resetBeforeBody
    /// Reset the connection once this many body bytes were read.
    case resetAfterBytes(Int)
    /// Stop reading after this many body bytes, then close after `milliseconds` (nil: the idle
    /// timeout) or when the client leaves, answering nothing.
    case stallAfterBytes(Int, milliseconds: Int?)
    /// Read the body no faster than this.
    case throttle(bytesPerSecond: Int)
    /// Answer with this instead, once the body was read; nothing is stored.
    case status(FaultAnswer)
    /// Hold the answer back this long.
    case delay(milliseconds: Int)
    /// Answer as usual, then close the connection even though it could stay open.
    case closeAfterResponse

    /// Whether the action is decided at the head, before any body byte is read.
    public var isPreBody: Bool {
        switch self {
        case .resetBeforeBody, .resetAfterBytes, .stallAfterBytes, .throttle: true
        case .status, .delay, .closeAfterResponse: false
        }
    }

    /// The rule field that names the action, as the journal shows it.
    public var fieldName: String {
        switch self {
        case .resetBeforeBody: "reset_before_body"
        case .resetAfterBytes: "reset_after_bytes"
        case .stallAfterBytes: "stall_after_bytes"
        case .throttle: "throttle_bytes_per_sec"
        case .status: "status"
        case .delay: "delay_ms"
        case .closeAfterResponse: "close_after_response"
        }
    }
}

/// The answer a `status` fault sends: its status, JSON body and extra header fields.
public struct FaultAnswer: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]
    /// Content-Type, when the rule's `headers` name one; else `application/json`.
    public let contentType: String
    public let headers: [HeaderField]

    /// One header field of the answer.
    public struct HeaderField: Sendable, Equatable {
        public let name: String
        public let value: String
    }
}

/// A fault that hit a request: the rule (nil for an `X-Mock-Fault` header) and its action.
public struct AppliedFault: Sendable, Equatable {
    public let ruleID: Int?
    public let action: FaultAction

    public init(ruleID: Int?, action: FaultAction) {
        self.ruleID = ruleID
        self.action = action
    }

    /// `{"rule_id": 3, "action": "status"}`, as journal entries show it.
    public var json: [UInt8] {
        var writer = JSONObjectWriter(reservingCapacity: 48)
        writer.add("rule_id", ruleID)
        writer.add("action", action.fieldName)
        return writer.finish()
    }
}
