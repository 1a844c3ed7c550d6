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
        var disposition: Disposition?
        var contentType: String?
        var lineStart = section.startIndex
        while lineStart < section.endIndex {
            let (name, value, next) = try field(in: section, from: lineStart)
            lineStart = next
            if ParameterizedValue.equalsIgnoringCase(name, "content-disposition") {
                disposition = try Disposition(value)
            } else if ParameterizedValue.equalsIgnoringCase(name, "content-type") {
                contentType = String(decoding: value, as: UTF8.self)
            }
        }
        guard let disposition, disposition.isFormData, let name = disposition.name else {
            throw .missingContentDisposition
        }
        let filename = disposition.extendedFilename.flatMap { decodeExtendedValue(String(decoding: $0, as: UTF8.self)) }
            ?? disposition.filename.map { String(decoding: $0, as: UTF8.self) }
        return PartHeaders(name: String(decoding: name, as: UTF8.self), filename: filename, contentType: contentType)
    }

    /// The header line starting at `start`: its name and value, trimmed of spaces and tabs, and where
    /// the next line starts. CR only before LF, no bare LF, no NUL, a colon after a non-empty name
    /// without whitespace inside. Searched with `memchr`, not byte by byte.
    private static func field(
        in section: ArraySlice<UInt8>, from start: Int
    ) throws(MultipartError) -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>, next: Int) {
        let rest = section[start...]
        guard let cr = ByteSearch.firstIndex(of: 0x0D, in: rest), cr + 1 < section.endIndex, section[cr + 1] == 0x0A
        else { throw .malformedPartHeaders }
        let line = section[start..<cr]
        guard ByteSearch.firstIndex(of: 0x0A, in: line) == nil, ByteSearch.firstIndex(of: 0x00, in: line) == nil,
              let colon = ByteSearch.firstIndex(of: UInt8(ascii: ":"), in: line)
        else { throw .malformedPartHeaders }
        let name = trimmed(line[..<colon])
        guard !name.isEmpty, !name.contains(where: isWhitespace) else { throw .malformedPartHeaders }
        return (name, trimmed(line[(colon + 1)...]), cr + 2)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// The parameters of `Content-Disposition` this parser needs, as slices; the first of each wins.
    private struct Disposition {
        var isFormData = false
        var name: ArraySlice<UInt8>?
        var filename: ArraySlice<UInt8>?
        var extendedFilename: ArraySlice<UInt8>?

        init(_ value: ArraySlice<UInt8>) throws(MultipartError) {
            var name, filename, extendedFilename: ArraySlice<UInt8>?
            let type = ParameterizedValue.parse(value) { parameter, value in
                if ParameterizedValue.equalsIgnoringCase(parameter, "name") {
                    name = name ?? value
                } else if ParameterizedValue.equalsIgnoringCase(parameter, "filename") {
                    filename = filename ?? value
                } else if ParameterizedValue.equalsIgnoringCase(parameter, "filename*") {
                    extendedFilename = extendedFilename ?? value
                }
            }
            guard let type else { throw .malformedPartHeaders }
            isFormData = ParameterizedValue.equalsIgnoringCase(type, "form-data")
            self.name = name
            self.filename = filename
            self.extendedFilename = extendedFilename
        }
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
        var first = bytes.startIndex
        var end = bytes.endIndex
        while first < end, isWhitespace(bytes[first]) { first += 1 }
        while end > first, isWhitespace(bytes[end - 1]) { end -= 1 }
        return bytes[first..<end]
    }
}
