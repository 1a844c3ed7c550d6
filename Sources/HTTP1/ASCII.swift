/// Byte classes of RFC 9110 §5.6, as switches the compiler turns into range checks (no lazily
/// initialized tables on the request path).
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// `tchar`: the bytes allowed in methods and field names.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true   // DIGIT, ALPHA
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E...0x60, 0x7C, 0x7E: true   // !#$%&'*+-.^_`|~
        default: false
        }
    }

    /// Bytes allowed in a field value: HTAB, SP, VCHAR and obs-text.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= space && byte != 0x7F)
    }

    @inline(__always)
    static func isOptionalWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Lowercases ASCII letters only.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether `bytes` equals `lowercaseName` ignoring ASCII case. `lowercaseName` must be lowercase.
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercaseName: StaticString) -> Bool {
        guard bytes.count == lowercaseName.utf8CodeUnitCount else { return false }
        let expected = lowercaseName.utf8Start
        return bytes.withUnsafeBufferPointer { actual in
            for index in actual.indices where lowercased(actual[index]) != expected[index] { return false }
            return true
        }
    }
}
