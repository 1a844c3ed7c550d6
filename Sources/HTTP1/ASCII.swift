/// Byte classes of RFC 9110 §5.6, as tables so each test is one load.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// `tchar`: the bytes allowed in methods and field names.
    static let isTokenByte: [Bool] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
        }
    }

    /// Bytes allowed in a field value: HTAB, SP, VCHAR and obs-text.
    static let isFieldValueByte: [Bool] = (0...255).map { byte in
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    static func isOptionalWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Lowercases ASCII letters only.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether `bytes` equals `lowercaseName` ignoring ASCII case. `lowercaseName` must be lowercase.
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercaseName: String) -> Bool {
        guard bytes.count == lowercaseName.utf8.count else { return false }
        return zip(bytes, lowercaseName.utf8).allSatisfy { lowercased($0) == $1 }
    }
}
