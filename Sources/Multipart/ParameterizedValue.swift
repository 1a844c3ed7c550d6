/// A header value of the form `type *( OWS ";" OWS name "=" ( token / quoted-string ) )`, as
/// Content-Type (RFC 9110 §5.6.6) and Content-Disposition (RFC 6266) use it. Parsed in place:
/// the value and parameters are slices of the header bytes, so parsing allocates one array.
struct ParameterizedValue {
    /// The leading value, as sent (`multipart/form-data`, `form-data`).
    let value: ArraySlice<UInt8>
    /// Parameters in order; quoted values are unquoted.
    let parameters: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)]

    /// Parses `bytes`, or returns nil if they do not have that shape.
    init?(_ bytes: ArraySlice<UInt8>) {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        let value = scanner.token()
        guard !value.isEmpty else { return nil }
        var parameters: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
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
            parameters.append((name, parameterValue))
        }
        self.value = value
        self.parameters = parameters
    }

    /// Whether the leading value is `lowercase`, ignoring ASCII case.
    func hasValue(_ lowercase: String) -> Bool {
        Self.equalsIgnoringCase(value, lowercase)
    }

    /// The first parameter named `lowercaseName` (ignoring case), as UTF-8 with U+FFFD for bad bytes.
    func parameter(_ lowercaseName: String) -> String? {
        parameters.first { Self.equalsIgnoringCase($0.name, lowercaseName) }
            .map { String(decoding: $0.value, as: UTF8.self) }
    }

    /// Whether `bytes` spell `lowercase` ignoring ASCII case (the same rule as HTTP1's, which this
    /// module does not import).
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: String) -> Bool {
        guard bytes.count == lowercase.utf8.count else { return false }
        var index = bytes.startIndex
        for expected in lowercase.utf8 {
            let byte = bytes[index]
            guard (byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte) == expected else { return false }
            index += 1
        }
        return true
    }
}

private struct Scanner {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    mutating func skipWhitespace() {
        while index < bytes.endIndex, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Bytes up to whitespace, `;`, `=` or `"`. Lenient about what they are, as browsers send raw UTF-8.
    mutating func token() -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.endIndex, !Self.isDelimiter(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }

    mutating func nonEmptyToken() -> ArraySlice<UInt8>? {
        let token = token()
        return token.isEmpty ? nil : token
    }

    /// A quoted-string's content. A backslash escapes only `"` and `\`: browsers send Windows paths
    /// (`C:\dir\a.png`) with bare backslashes, which must survive. Nil if unterminated.
    mutating func quotedString() -> ArraySlice<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var unescaped: [UInt8]?   // made only when an escape is met
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                return unescaped.map { $0[...] } ?? bytes[start..<(index - 1)]
            }
            if byte == UInt8(ascii: "\\"), index < bytes.endIndex,
               bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") {
                if unescaped == nil { unescaped = Array(bytes[start..<(index - 1)]) }
                unescaped?.append(bytes[index])
                index += 1
            } else {
                unescaped?.append(byte)
            }
        }
        return nil
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "\""): true
        default: false
        }
    }
}
