/// Writes one flat JSON object straight into bytes, in key order, without Foundation: the answers
/// on the request path are built with this, never with `JSONEncoder`.
public struct JSONObjectWriter {
    public private(set) var bytes: [UInt8]
    private var isEmpty = true

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func add(_ key: String, _ value: String?) {
        appendKey(key)
        if let value { Self.appendString(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    public mutating func add(_ key: String, _ value: Int?) {
        appendKey(key)
        guard let value else { return bytes.append(contentsOf: "null".utf8) }
        Self.appendDecimal(value, to: &bytes)
    }

    /// Adds digits-only text as a number (without leading zeros beyond one), anything else as text.
    public mutating func add(_ key: String, numberOrText value: String?) {
        if let value, !value.isEmpty, value.utf8.count <= 18, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           let number = Int(value) {
            add(key, number)
        } else {
            add(key, value)
        }
    }

    public mutating func add(_ key: String, _ value: Bool) {
        appendKey(key)
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    public mutating func addNull(_ key: String) {
        appendKey(key)
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func add(_ key: String, strings: [String]) {
        appendKey(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in strings.enumerated() {
            if index > 0 { bytes.append(contentsOf: ", ".utf8) }
            Self.appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Adds already-encoded JSON (an object or an array) as the value.
    public mutating func add(_ key: String, json: [UInt8]) {
        appendKey(key)
        bytes.append(contentsOf: json)
    }

    /// Adds a timestamp in the vendor's `created_at` format.
    public mutating func add(_ key: String, _ value: Timestamp) {
        appendKey(key)
        bytes.append(UInt8(ascii: "\""))
        value.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Closes the object and returns its bytes.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// `{"error_message": "<message>"}`, the vendor's shape for every error answer.
    public static func errorBody(_ message: String) -> [UInt8] {
        var writer = JSONObjectWriter(reservingCapacity: message.utf8.count + 24)
        writer.add("error_message", message)
        return writer.finish()
    }

    private mutating func appendKey(_ key: String) {
        if !isEmpty { bytes.append(contentsOf: ", ".utf8) }
        isEmpty = false
        Self.appendString(key, to: &bytes)
        bytes.append(contentsOf: ": ".utf8)
    }

    /// Appends `value` as a JSON string (RFC 8259 §7): quote, backslash and control characters escaped.
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: needsEscape) {   // the common case: one bulk copy
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in decimal, its digits formed on the stack: no String per number.
    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x00..<0x20, 0x7F:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
