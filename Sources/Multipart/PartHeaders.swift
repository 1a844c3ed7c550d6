/// What a part's header section says about it: its form field name, file name and declared type.
public struct PartHeaders: Equatable, Sendable {
    /// The `name` parameter of `Content-Disposition: form-data`.
    public var name: String
    /// The `filename` (or RFC 5987 `filename*`) parameter, as sent; nil when absent.
    public var filename: String?
    /// The part's `Content-Type`, verbatim; nil when absent.
    public var contentType: String?

    public init(name: String, filename: String? = nil, contentType: String? = nil) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    /// Parses a header section: `name: value` lines, each ending in CRLF, the blank line excluded.
    /// Names are case-insensitive; spaces and tabs may surround the colon; unknown fields are ignored.
    static func parse(_ section: ArraySlice<UInt8>) throws(MultipartError) -> PartHeaders {
        var disposition: ParameterizedValue?
        var contentType: String?
        var lineStart = section.startIndex
        while lineStart < section.endIndex {
            guard let lf = section[lineStart...].firstIndex(of: 0x0A), lf > lineStart, section[lf - 1] == 0x0D
            else { throw .malformedPartHeaders }
            let line = section[lineStart..<(lf - 1)]
            lineStart = lf + 1
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  !line.contains(0x0D), !line.contains(0x00)
            else { throw .malformedPartHeaders }
            let name = trimmed(line[..<colon])
            let value = trimmed(line[(colon + 1)...])
            guard !name.isEmpty, !name.contains(0x20), !name.contains(0x09) else { throw .malformedPartHeaders }
            if ParameterizedValue.equalsIgnoringCase(name, "content-disposition") {
                guard let parsed = ParameterizedValue(value) else { throw .malformedPartHeaders }
                disposition = parsed
            } else if ParameterizedValue.equalsIgnoringCase(name, "content-type") {
                contentType = String(decoding: value, as: UTF8.self)
            }
        }
        guard let disposition, disposition.hasValue("form-data"), let name = disposition.parameter("name") else {
            throw .missingContentDisposition
        }
        let filename = disposition.parameter("filename*").flatMap(decodeExtendedValue)
            ?? disposition.parameter("filename")
        return PartHeaders(name: name, filename: filename, contentType: contentType)
    }

    /// Decodes an RFC 8187 `UTF-8''percent%20encoded` value; nil for other charsets or bad escapes.
    static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].lowercased() == "utf-8" else { return nil }
        var bytes: [UInt8] = []
        var iterator = pieces[2].utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
              let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return [] }
        return bytes[first...last]
    }
}
