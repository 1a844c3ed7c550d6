/// Why a fault rule was refused; the message names the field.
public struct FaultRuleError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension FaultRule {
    /// Header fields a `status` answer may not set: the server frames every answer itself.
    static let reservedHeaders = ["content-length", "transfer-encoding", "connection", "date"]

    /// A rule from a JSON document: one object of rule fields.
    public init(json bytes: [UInt8]) throws(FaultRuleError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw FaultRuleError("\(error)")
        }
        guard case .object(let members) = value else {
            throw FaultRuleError("a fault rule is a JSON object, not \(value.kind)")
        }
        try self.init(fields: members)
    }

    /// A rule from its fields: strictly checked (unknown field, wrong type, no or two actions,
    /// a body matcher with a pre-body action, an option without its action: all refused).
    public init(fields: [JSONMember]) throws(FaultRuleError) {
        var reader = FieldReader(fields)
        matcher = FaultMatcher(
            clientID: try reader.string("client_id"), authID: try reader.string("auth_id"),
            session: try reader.string("session"), messageType: try reader.integer("message_type"))
        times = try reader.integer("times", atLeast: 1)
        probability = try reader.probability("probability")
        seed = try reader.integer("seed").map { UInt64(bitPattern: Int64($0)) }
        if seed != nil, probability == nil { throw FaultRuleError("seed goes with probability") }

        var actions: [FaultAction] = []
        if try reader.isTrue("reset_before_body") { actions.append(.resetBeforeBody) }
        if let bytes = try reader.integer("reset_after_bytes", atLeast: 0) { actions.append(.resetAfterBytes(bytes)) }
        let stallMilliseconds = try reader.integer("stall_ms", atLeast: 0)
        if let bytes = try reader.integer("stall_after_bytes", atLeast: 0) {
            actions.append(.stallAfterBytes(bytes, milliseconds: stallMilliseconds))
        } else if stallMilliseconds != nil {
            throw FaultRuleError("stall_ms goes with stall_after_bytes")
        }
        if let rate = try reader.integer("throttle_bytes_per_sec", atLeast: 1) { actions.append(.throttle(bytesPerSecond: rate)) }
        let body = reader.take("body")
        let headers = try reader.headers("headers")
        if let status = try reader.integer("status") {
            actions.append(.status(try Self.answer(status: status, body: body, headers: headers ?? [])))
        } else if body != nil || headers != nil {
            throw FaultRuleError("body and headers go with status")
        }
        if let milliseconds = try reader.integer("delay_ms", atLeast: 0) { actions.append(.delay(milliseconds: milliseconds)) }
        if try reader.isTrue("close_after_response") { actions.append(.closeAfterResponse) }
        try reader.finish()

        guard actions.count == 1, let action = actions.first else {
            throw FaultRuleError(actions.isEmpty
                ? "a fault rule needs one action: reset_before_body, reset_after_bytes, stall_after_bytes, throttle_bytes_per_sec, status, delay_ms or close_after_response"
                : "a fault rule takes one action, not \(actions.map(\.fieldName).joined(separator: " and "))")
        }
        if action.isPreBody, matcher.readsBody {
            throw FaultRuleError("\(action.fieldName) acts before the body is read, so it cannot match on auth_id or message_type")
        }
        self.action = action
        self.fields = fields
    }

    private static func answer(status: Int, body: JSONValue?, headers: [FaultAnswer.HeaderField]) throws(FaultRuleError) -> FaultAnswer {
        guard (200...599).contains(status), status != 204, status != 304 else {
            throw FaultRuleError("status must be 200-599 and allow a body (not 204 or 304)")
        }
        let contentType = headers.last { $0.name.lowercased() == "content-type" }?.value
        return FaultAnswer(
            status: status,
            body: body?.bytes ?? JSONObjectWriter.errorBody("injected fault: \(status)"),
            contentType: contentType ?? "application/json",
            headers: headers.filter { $0.name.lowercased() != "content-type" })
    }
}

/// Takes a rule's fields one by one, checking each one's type; ``finish()`` refuses the rest.
private struct FieldReader {
    private var remaining: [JSONMember]

    init(_ fields: [JSONMember]) { remaining = fields }

    mutating func take(_ name: String) -> JSONValue? {
        guard let index = remaining.firstIndex(where: { $0.key == name }) else { return nil }
        return remaining.remove(at: index).value
    }

    mutating func string(_ name: String) throws(FaultRuleError) -> String? {
        guard let value = take(name) else { return nil }
        guard let text = value.string else { throw Self.wrongType(name, "a string", value) }
        return text
    }

    mutating func integer(_ name: String, atLeast minimum: Int? = nil) throws(FaultRuleError) -> Int? {
        guard let value = take(name) else { return nil }
        guard let number = value.integer else { throw Self.wrongType(name, "an integer", value) }
        if let minimum, number < minimum { throw FaultRuleError("\(name) must be at least \(minimum)") }
        return number
    }

    mutating func probability(_ name: String) throws(FaultRuleError) -> Double? {
        guard let value = take(name) else { return nil }
        guard let number = value.double else { throw Self.wrongType(name, "a number", value) }
        guard (0...1).contains(number) else { throw FaultRuleError("\(name) must be between 0 and 1") }
        return number
    }

    /// A switch that is only ever set on: `true`; `false` is refused rather than read as absent.
    mutating func isTrue(_ name: String) throws(FaultRuleError) -> Bool {
        guard let value = take(name) else { return false }
        guard value.bool == true else { throw FaultRuleError("\(name) must be true") }
        return true
    }

    mutating func headers(_ name: String) throws(FaultRuleError) -> [FaultAnswer.HeaderField]? {
        guard let value = take(name) else { return nil }
        guard case .object(let members) = value else { throw Self.wrongType(name, "an object of strings", value) }
        var fields: [FaultAnswer.HeaderField] = []
        for member in members {
            guard let text = member.value.string else { throw Self.wrongType("\(name).\(member.key)", "a string", member.value) }
            guard !member.key.isEmpty, member.key.utf8.allSatisfy(Self.isTokenByte) else {
                throw FaultRuleError("\(name): \"\(member.key)\" is not a valid header name")
            }
            guard text.utf8.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else {
                throw FaultRuleError("\(name).\(member.key): header values cannot hold control characters")
            }
            guard !FaultRule.reservedHeaders.contains(member.key.lowercased()) else {
                throw FaultRuleError("\(name): \(member.key) is set by the server")
            }
            fields.append(FaultAnswer.HeaderField(name: member.key, value: text))
        }
        return fields
    }

    func finish() throws(FaultRuleError) {
        guard let unknown = remaining.first else { return }
        throw FaultRuleError("unknown fault rule field \"\(unknown.key)\"")
    }

    private static func wrongType(_ name: String, _ expected: String, _ value: JSONValue) -> FaultRuleError {
        FaultRuleError("\(name) must be \(expected), not \(value.kind)")
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
