/// Why a `multipart/form-data` body was refused (RFC 7578, RFC 2046 §5.1). All are the client's fault.
public enum MultipartError: Error, Equatable, Sendable {
    /// The boundary parameter is empty, longer than 70 bytes, or uses bytes RFC 2046 does not allow.
    case invalidBoundary
    /// The body ended before its close delimiter, or never contained the declared boundary.
    case truncated
    /// A delimiter line followed by something other than optional whitespace and CRLF, or `--`.
    case malformedDelimiter
    /// A part's header section was not `name: value` lines ending in CRLF.
    case malformedPartHeaders
    /// A part's header section grew past ``MultipartLimits/maxPartHeaderBytes``.
    case partHeadersTooLarge
    /// A part without `Content-Disposition: form-data; name="..."`.
    case missingContentDisposition

    /// A short sentence for the `error_message` of the answer.
    public var message: String {
        switch self {
        case .invalidBoundary: "malformed multipart body: invalid boundary"
        case .truncated: "malformed multipart body: missing close delimiter"
        case .malformedDelimiter: "malformed multipart body: bad delimiter line"
        case .malformedPartHeaders: "malformed multipart body: bad part headers"
        case .partHeadersTooLarge: "malformed multipart body: part headers too large"
        case .missingContentDisposition: "malformed multipart body: part without Content-Disposition form-data name"
        }
    }
}

/// Bounds on what the parser holds in memory besides the at most 73 bytes of a possible delimiter.
public struct MultipartLimits: Equatable, Sendable {
    /// One part's header section, CRLFs included (16 KiB).
    public var maxPartHeaderBytes: Int

    public init(maxPartHeaderBytes: Int = 16_384) {
        self.maxPartHeaderBytes = maxPartHeaderBytes
    }
}
