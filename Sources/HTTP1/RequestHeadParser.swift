#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses one request head strictly (RFC 9112 §2-§6): CRLF line endings only, no obs-fold, token
/// field names with no whitespace before the colon, one `Content-Length` and never together with
/// `Transfer-Encoding`, which may only be `chunked`.
///
/// The caller finds the head's end (`CRLF CRLF`) and hands over the head, that terminator included.
public enum RequestHeadParser {
    public static func parse(_ head: UnsafeRawBufferPointer) throws(HTTPParseError) -> RequestHead {
        try parse(Array(head))
    }

    public static func parse(_ bytes: [UInt8]) throws(HTTPParseError) -> RequestHead {
        var lines = LineReader(bytes: bytes)
        guard let requestLine = try lines.next(), !requestLine.isEmpty else { throw .invalidRequestLine }
        let (method, target, minorVersion) = try parseRequestLine(bytes[requestLine])

        var fields: [RequestHead.Field] = []
        fields.reserveCapacity(12)
        var scan = FramingScan()
        while let line = try lines.next(), !line.isEmpty {
            let field = try parseField(bytes, line: line)
            scan.note(field, in: bytes)
            fields.append(field)
        }
        let framing = try scan.framing()
        if minorVersion == 1, scan.hostCount != 1 { throw .invalidHost }
        return RequestHead(
            method: method, target: target, minorVersion: minorVersion, framing: framing,
            keepAlive: minorVersion == 1 && !scan.connectionClose,
            expectsContinue: minorVersion == 1 && scan.expectsContinue,
            bytes: bytes, fields: fields)
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3).
    private static func parseRequestLine(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParseError) -> (String, String, Int) {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: ASCII.space)
        else { throw .invalidRequestLine }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        let version = line[(secondSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy({ ASCII.isTokenByte($0) }),
              !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw .invalidRequestLine }
        let minorVersion = try parseVersion(version)
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), minorVersion)
    }

    private static func parseVersion(_ version: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        let digits = version.dropFirst(5)
        guard version.count == 8, version.starts(with: "HTTP/".utf8),
              digits[digits.startIndex + 1] == UInt8(ascii: "."),
              let major = decimalDigit(digits[digits.startIndex]),
              let minor = decimalDigit(digits[digits.startIndex + 2])
        else { throw .invalidRequestLine }
        guard major == 1, minor <= 1 else { throw .unsupportedVersion }
        return minor
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5).
    private static func parseField(_ bytes: [UInt8], line: Range<Int>) throws(HTTPParseError) -> RequestHead.Field {
        if ASCII.isOptionalWhitespace(bytes[line.lowerBound]) { throw .obsoleteLineFolding }
        guard let colon = bytes[line].firstIndex(of: ASCII.colon), colon > line.lowerBound,
              bytes[line.lowerBound..<colon].allSatisfy({ ASCII.isTokenByte($0) })
        else { throw .invalidHeaderField }
        var valueStart = colon + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, ASCII.isOptionalWhitespace(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, ASCII.isOptionalWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        guard bytes[valueStart..<valueEnd].allSatisfy({ ASCII.isFieldValueByte($0) }) else {
            throw .invalidHeaderField
        }
        return RequestHead.Field(name: line.lowerBound..<colon, value: valueStart..<valueEnd)
    }

    static func decimalDigit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}

/// Splits a head into lines, refusing any line break but CRLF.
private struct LineReader {
    let bytes: [UInt8]
    var position = 0

    /// The next line without its CRLF, or nil at the end of the bytes.
    mutating func next() throws(HTTPParseError) -> Range<Int>? {
        guard position < bytes.count else { return nil }
        // A line's first CR must be the one just before its first LF.
        guard let lf = firstOffset(of: ASCII.lf), lf > position, firstOffset(of: ASCII.cr) == lf - 1 else {
            throw .invalidLineEnding
        }
        let line = position..<(lf - 1)
        position = lf + 1
        return line
    }

    /// The offset of the first `byte` at or after `position`, found with `memchr`.
    private func firstOffset(of byte: UInt8) -> Int? {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress,
                  let hit = memchr(base + position, Int32(byte), buffer.count - position)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }
}

/// Collects, while the fields are parsed, what decides the body's framing and the connection.
private struct FramingScan {
    var contentLength: Int?
    var contentLengthCount = 0
    var transferEncoding: [UInt8] = []
    var hasTransferEncoding = false
    var hostCount = 0
    var connectionClose = false
    var expectsContinue = false

    mutating func note(_ field: RequestHead.Field, in bytes: [UInt8]) {
        let name = bytes[field.name]
        let value = bytes[field.value]
        switch name.count {
        case 4 where ASCII.equalsIgnoringCase(name, "host"):
            hostCount += 1
        case 6 where ASCII.equalsIgnoringCase(name, "expect"):
            expectsContinue = ASCII.equalsIgnoringCase(value, "100-continue")
        case 10 where ASCII.equalsIgnoringCase(name, "connection"):
            if commaSeparated(value).contains(where: { ASCII.equalsIgnoringCase($0, "close") }) {
                connectionClose = true
            }
        case 14 where ASCII.equalsIgnoringCase(name, "content-length"):
            contentLengthCount += 1
            contentLength = Self.decimal(value)
        case 17 where ASCII.equalsIgnoringCase(name, "transfer-encoding"):
            if hasTransferEncoding { transferEncoding.append(UInt8(ascii: ",")) }
            hasTransferEncoding = true
            transferEncoding.append(contentsOf: value)
        default:
            break
        }
    }

    func framing() throws(HTTPParseError) -> RequestHead.BodyFraming {
        if hasTransferEncoding {
            guard contentLengthCount == 0 else { throw .contentLengthWithTransferEncoding }
            let codings = commaSeparated(transferEncoding[...])
            guard codings.count == 1, ASCII.equalsIgnoringCase(codings[0], "chunked") else {
                throw .unsupportedTransferCoding
            }
            return .chunked
        }
        guard contentLengthCount <= 1 else { throw .repeatedContentLength }
        guard contentLengthCount == 1 else { return .contentLength(0) }
        guard let contentLength else { throw .invalidContentLength }
        return .contentLength(contentLength)
    }

    /// A non-negative decimal of at most 18 digits (so it cannot overflow), or nil.
    static func decimal(_ value: ArraySlice<UInt8>) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var result = 0
        for byte in value {
            guard let digit = RequestHeadParser.decimalDigit(byte) else { return nil }
            result = result * 10 + digit
        }
        return result
    }

    /// The non-empty elements of a comma-separated list, trimmed of optional whitespace.
    func commaSeparated(_ value: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        value.split(separator: UInt8(ascii: ",")).compactMap { element in
            let trimmed = element.drop(while: ASCII.isOptionalWhitespace)
            let end = trimmed.lastIndex(where: { !ASCII.isOptionalWhitespace($0) })
            return end.map { trimmed[...$0] }
        }
    }
}
