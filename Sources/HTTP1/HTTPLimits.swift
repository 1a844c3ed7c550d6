/// Bounds on what one request may make the server hold, so a client cannot grow memory at will.
public struct HTTPLimits: Equatable, Sendable {
    /// The request line plus every field line, CRLFs included (64 KiB): past it, 431.
    public var maxHeadBytes: Int
    /// One chunk-size line, extensions included (4 KiB).
    public var maxChunkLineBytes: Int
    /// The whole trailer section of a chunked body (16 KiB).
    public var maxTrailerBytes: Int

    public init(maxHeadBytes: Int = 65_536, maxChunkLineBytes: Int = 4_096, maxTrailerBytes: Int = 16_384) {
        self.maxHeadBytes = maxHeadBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    public static let `default` = HTTPLimits()
}
