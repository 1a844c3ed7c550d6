/// An `X-Mock-Fault` request header (CONTRACT §10): its value as sent, which keys its `times`
/// count, and the rule it spells.
public struct FaultHeader: Sendable {
    public let value: String
    public let rule: FaultRule

    /// Parses `value`: `name=value;name=value`, the names being rule fields and each value JSON
    /// (`503`, `true`, `{"error_message": "busy"}`) or else plain text.
    public init(_ value: String) throws(FaultRuleError) {
        self.value = value
        rule = try FaultRule(headerValue: value)
    }
}

extension FaultRule {
    /// A rule from an `X-Mock-Fault` header: `name=value;name=value`, the names being rule fields
    /// and each value JSON (`503`, `true`, `{"error_message": "busy"}`) or else plain text.
    public init(headerValue: String) throws(FaultRuleError) {
        let bytes = Array(headerValue.utf8)
        var fields: [JSONMember] = []
        var offset = 0
        while true {
            offset = Self.skipSpaces(bytes, from: offset)
            guard offset < bytes.count else { break }
            if bytes[offset] == UInt8(ascii: ";") {
                offset += 1
                continue
            }
            let segmentEnd = bytes[offset...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            guard let equals = bytes[offset..<segmentEnd].firstIndex(of: UInt8(ascii: "=")) else {
                throw FaultRuleError("X-Mock-Fault: \"\(Self.text(bytes[offset..<segmentEnd]))\" is not name=value")
            }
            let name = Self.text(bytes[offset..<equals])
            guard !fields.contains(where: { $0.key == name }) else { throw FaultRuleError("X-Mock-Fault: \(name) is given twice") }
            let (value, end) = try Self.headerFieldValue(bytes, from: Self.skipSpaces(bytes, from: equals + 1), name: name)
            fields.append(JSONMember(name, value))
            offset = end
        }
        guard !fields.isEmpty else { throw FaultRuleError("X-Mock-Fault is empty") }
        try self.init(fields: fields)
    }

    /// One value and the offset past its `;` (or the end): JSON when it opens like structured
    /// JSON or reads as a JSON literal, else the text up to the next `;`.
    private static func headerFieldValue(_ bytes: [UInt8], from start: Int, name: String) throws(FaultRuleError) -> (JSONValue, Int) {
        if start < bytes.count, [UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\"")].contains(bytes[start]) {
            let parsed: (JSONValue, end: Int)
            do {
                parsed = try JSONValue.parsePrefix(of: bytes, from: start)
            } catch {
                throw FaultRuleError("X-Mock-Fault: \(name): \(error)")
            }
            let next = skipSpaces(bytes, from: parsed.end)
            guard next == bytes.count || bytes[next] == UInt8(ascii: ";") else {
                throw FaultRuleError("X-Mock-Fault: \(name) must be followed by ';' or the end")
            }
            return (parsed.0, next)
        }
        let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
        var textEnd = end
        while textEnd > start, bytes[textEnd - 1] == 0x20 || bytes[textEnd - 1] == 0x09 { textEnd -= 1 }
        let raw = Array(bytes[start..<textEnd])
        if let literal = try? JSONValue(parsing: raw) { return (literal, end) }
        return (.string(text(raw[...])), end)
    }

    private static func skipSpaces(_ bytes: [UInt8], from start: Int) -> Int {
        var offset = start
        while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x09 { offset += 1 }
        return offset
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
