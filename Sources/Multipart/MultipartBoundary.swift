/// Finds the boundary of a `multipart/form-data` Content-Type (RFC 7578 §4.1, RFC 2046 §5.1.1).
public enum MultipartBoundary {
    /// The boundary if `contentType` is `multipart/form-data` (any case) with a valid boundary
    /// parameter, token or quoted; nil otherwise.
    public static func from(contentType: String) -> String? {
        guard let parsed = ParameterizedValue(Array(contentType.utf8)[...]), parsed.hasValue("multipart/form-data"),
              let boundary = parsed.parameter("boundary"), isValid(boundary)
        else { return nil }
        return boundary
    }

    /// 1-70 of RFC 2046's `bchars`, not ending in a space.
    public static func isValid(_ boundary: String) -> Bool {
        let bytes = boundary.utf8
        return (1...70).contains(bytes.count) && bytes.last != 0x20 && bytes.allSatisfy { allowed[Int($0)] }
    }

    private static let allowed: [Bool] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default:
            "'()+_,-./:=? ".utf8.contains(UInt8(byte))
        }
    }
}
