/// Parses header values of the form `type *( OWS ";" OWS name "=" ( token / quoted-string ) )`, as
/// Content-Type (RFC 9110 §5.6.6) and Content-Disposition (RFC 6266) use them, in place: the value
/// and parameters are handed out as slices of the header bytes.
enum ParameterizedValue {
    /// Returns the leading value and reports each parameter (quoted values unquoted) to `parameter`,
    /// in order; nil if `bytes` do not have that shape.
    static func parse(
        _ bytes: ArraySlice<UInt8>, parameter: (_ name: ArraySlice<UInt8>, _ value: ArraySlice<UInt8>) -> Void
    ) -> ArraySlice<UInt8>? {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        let value = scanner.token()
        guard !value.isEmpty else { return nil }
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
            parameter(name, parameterValue)
        }
        return value
    }

    /// Whether `bytes` spell `lowercase` ignoring ASCII case (the rule HTTP1 uses too; this module
    /// does not import it).
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        return bytes.withUnsafeBufferPointer { actual in
            for index in actual.indices {
                let byte = actual[index]
                if (byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte) != expected[index] { return false }
            }
            return true
        }
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
