/// Writes HTTP/1.1 response heads into a caller-owned buffer, so a connection can reuse one
/// allocation for every answer it sends.
public enum ResponseEncoder {
    /// Appends the status line and fields for a body of `contentLength` bytes, ending with the blank line.
    /// `date` is an IMF-fixdate (RFC 9110 §5.6.7), cached by the caller.
    public static func appendHead(
        status: Int, contentType: String, contentLength: Int, keepAlive: Bool, date: [UInt8],
        extraHeaders: [(name: String, value: String)] = [], to buffer: inout [UInt8]
    ) {
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, to: &buffer)
        buffer.append(ASCII.space)
        buffer.append(contentsOf: reasonPhrase(status).utf8)
        buffer.append(contentsOf: "\r\nDate: ".utf8)
        buffer.append(contentsOf: date)
        buffer.append(contentsOf: "\r\nContent-Type: ".utf8)
        buffer.append(contentsOf: contentType.utf8)
        buffer.append(contentsOf: "\r\nContent-Length: ".utf8)
        appendDecimal(contentLength, to: &buffer)
        for (name, value) in extraHeaders {
            buffer.append(contentsOf: "\r\n".utf8)
            buffer.append(contentsOf: name.utf8)
            buffer.append(contentsOf: ": ".utf8)
            buffer.append(contentsOf: value.utf8)
        }
        buffer.append(contentsOf: keepAlive ? "\r\n\r\n".utf8 : "\r\nConnection: close\r\n\r\n".utf8)
    }

    /// Appends a whole response, head and body.
    public static func append(_ response: Response, keepAlive: Bool, date: [UInt8], to buffer: inout [UInt8]) {
        appendHead(status: response.status, contentType: response.contentType, contentLength: response.body.count,
                   keepAlive: keepAlive && !response.closesConnection, date: date,
                   extraHeaders: response.extraHeaders, to: &buffer)
        buffer.append(contentsOf: response.body)
    }

    /// The interim answer to `Expect: 100-continue`.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends `value` (non-negative) in decimal without building a String.
    public static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        guard value >= 10 else {
            buffer.append(UInt8(ascii: "0") + UInt8(max(value, 0)))
            return
        }
        appendDecimal(value / 10, to: &buffer)
        buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// RFC 9110 §15 reason phrases for the statuses this server sends.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        case 507: "Insufficient Storage"
        default: "Status"
        }
    }
}
