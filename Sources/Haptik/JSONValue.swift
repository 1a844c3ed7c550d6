/// A JSON value kept as it was sent: object members in their order, numbers as their text
/// (`1` stays `1`, `0.50` stays `0.50`). For documents the admin API echoes back, such as fault
/// rules, and for the JSON a rule tells the server to answer with.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, valid per RFC 8259 §6.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value as an integer, if it is a number without fraction or exponent that fits `Int`.
    public var integer: Int? {
        guard case .number(let text) = self, !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
        else { return nil }
        return Int(text)
    }

    /// The value as a floating-point number, if it is a number.
    public var double: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    public var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    public var bool: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The JSON type with its article ("a string", "an object"), for error messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Appends the value's compact JSON text, in the style of ``JSONObjectWriter``.
    public func append(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .string(let text): JSONObjectWriter.appendString(text, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(contentsOf: ", ".utf8) }
                element.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { bytes.append(contentsOf: ", ".utf8) }
                JSONObjectWriter.appendString(member.key, to: &bytes)
                bytes.append(contentsOf: ": ".utf8)
                member.value.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The value's compact JSON text.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return bytes
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public let key: String
    public let value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
