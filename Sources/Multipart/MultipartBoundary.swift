/// Finds the boundary of a `multipart/form-data` Content-Type (RFC 7578 §4.1, RFC 2046 §5.1.1).
public enum MultipartBoundary {
    /// The boundary if `contentType` is `multipart/form-data` (any case) with a valid boundary
    /// parameter, token or quoted; nil otherwise.
    public static func from(contentType: String) -> String? {
        var boundary: ArraySlice<UInt8>?
        let type = ParameterizedValue.parse(Array(contentType.utf8)[...]) { name, value in
            if boundary == nil, ParameterizedValue.equalsIgnoringCase(name, "boundary") { boundary = value }
        }
        guard let type, ParameterizedValue.equalsIgnoringCase(type, "multipart/form-data"), let boundary else {
            return nil
        }
        let text = String(decoding: boundary, as: UTF8.self)
        return isValid(text) ? text : nil
    }

    /// 1-70 of RFC 2046's `bchars`, not ending in a space.
    public static func isValid(_ boundary: String) -> Bool {
        var boundary = boundary
        return boundary.withUTF8 { bytes in
            (1...70).contains(bytes.count) && bytes.last != 0x20 && bytes.allSatisfy(isBoundaryByte)
        }
    }

    /// `bchars`: letters, digits and `'()+_,-./:=?` and space.
    private static func isBoundaryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: "_"),
             UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: " "):
            true
        default:
            false
        }
    }
}
