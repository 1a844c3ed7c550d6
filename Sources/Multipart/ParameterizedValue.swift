/// A header value of the form `type *( OWS ";" OWS name "=" ( token / quoted-string ) )`, as
/// Content-Type (RFC 9110 §5.6.6) and Content-Disposition (RFC 6266) use it.
struct ParameterizedValue {
    /// The leading value, lowercased (`multipart/form-data`, `form-data`).
    let value: String
    /// Parameters in order, names lowercased, values unquoted and decoded as UTF-8 (U+FFFD for bad bytes).
    let parameters: [(name: String, value: String)]

    /// Parses `bytes`, or returns nil if they do not have that shape.
    init?(_ bytes: some Collection<UInt8>) {
        var scanner = Scanner(bytes: Array(bytes))
        scanner.skipWhitespace()
        let value = scanner.token()
        guard !value.isEmpty else { return nil }
        var parameters: [(name: String, value: String)] = []
        while true {
            scanner.skipWhitespace()
            guard !scanner.isAtEnd else { break }
            guard scanner.take(UInt8(ascii: ";")) else { return nil }
            scanner.skipWhitespace()
            if scanner.isAtEnd { break }   // a trailing ";" is harmless
            let name = scanner.token()
            scanner.skipWhitespace()
            guard !name.isEmpty, scanner.take(UInt8(ascii: "=")) else { return nil }
            scanner.skipWhitespace()
            guard let parameterValue = scanner.quotedString() ?? scanner.nonEmptyToken() else { return nil }
            parameters.append((Self.lowercased(name), String(decoding: parameterValue, as: UTF8.self)))
        }
        self.value = Self.lowercased(value)
        self.parameters = parameters
    }

    /// The value of the first parameter named `name` (lowercase).
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    private static func lowercased(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Bytes up to whitespace, `;`, `=` or `"`. Lenient about what they are, as browsers send raw UTF-8.
    mutating func token() -> [UInt8] {
        let start = index
        while index < bytes.count, !Self.delimiters.contains(bytes[index]) { index += 1 }
        return Array(bytes[start..<index])
    }

    mutating func nonEmptyToken() -> [UInt8]? {
        let token = token()
        return token.isEmpty ? nil : token
    }

    /// A quoted-string's content. A backslash escapes only `"` and `\`: browsers send Windows paths
    /// (`C:\dir\a.png`) with bare backslashes, which must survive.
    mutating func quotedString() -> [UInt8]? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return content }
            if byte == UInt8(ascii: "\\"), index < bytes.count,
               bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") {
                content.append(bytes[index])
                index += 1
            } else {
                content.append(byte)
            }
        }
        return nil   // unterminated
    }

    private static let delimiters: Set<UInt8> = [0x20, 0x09, UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "\"")]
}
