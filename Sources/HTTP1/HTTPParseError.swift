/// Why a request's framing was refused. Each case maps to exactly one status; every one of them
/// ends the connection, because after a framing error the next request's start is unknown.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// The head grew past ``HTTPLimits/maxHeadBytes`` without ending (RFC 6585 §5).
    case headTooLarge
    /// A line ended in a bare LF or a bare CR (RFC 9112 §2.2: this server accepts CRLF only).
    case invalidLineEnding
    /// The request line is not `method SP target SP HTTP/x.y`.
    case invalidRequestLine
    /// A protocol version other than HTTP/1.0 and HTTP/1.1.
    case unsupportedVersion
    /// A field line starts with whitespace (obs-fold, RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A field line with a bad name, whitespace before the colon, or a control byte in its value.
    case invalidHeaderField
    /// An HTTP/1.1 request without exactly one `Host` (RFC 9112 §3.2).
    case invalidHost
    /// `Content-Length` that is not a plain decimal number.
    case invalidContentLength
    /// More than one `Content-Length` field.
    case repeatedContentLength
    /// Both `Content-Length` and `Transfer-Encoding` (RFC 9112 §6.1, a smuggling vector).
    case contentLengthWithTransferEncoding
    /// A transfer coding other than `chunked` (RFC 9112 §6.1: 501).
    case unsupportedTransferCoding
    /// A chunk-size line that is not hex digits, overflows, or has a malformed extension.
    case invalidChunkSize
    /// Chunk data not followed by CRLF, or a malformed trailer section.
    case invalidChunkFraming

    /// The status this error is answered with.
    public var status: Int {
        switch self {
        case .headTooLarge: 431
        case .unsupportedVersion: 505
        case .unsupportedTransferCoding: 501
        default: 400
        }
    }

    /// A short sentence for the `error_message` of the answer.
    public var message: String {
        switch self {
        case .headTooLarge: "request head exceeds \(HTTPLimits.default.maxHeadBytes) bytes"
        case .invalidLineEnding: "malformed request: lines must end in CRLF"
        case .invalidRequestLine: "malformed request line"
        case .unsupportedVersion: "HTTP version not supported"
        case .obsoleteLineFolding: "malformed request: obsolete header line folding"
        case .invalidHeaderField: "malformed header field"
        case .invalidHost: "HTTP/1.1 requests need exactly one Host header"
        case .invalidContentLength: "invalid Content-Length"
        case .repeatedContentLength: "repeated Content-Length"
        case .contentLengthWithTransferEncoding: "Content-Length together with Transfer-Encoding"
        case .unsupportedTransferCoding: "only the chunked transfer coding is supported"
        case .invalidChunkSize: "malformed chunk size line"
        case .invalidChunkFraming: "malformed chunked body"
        }
    }
}
