/// A SHA-256 digest kept as its 32 bytes, spelled in hex only when shown: the journal records one
/// per upload but shows few of them.
public struct SHA256Hash: Sendable, Equatable, CustomStringConvertible {
    /// The digest's bytes in order (the words are only ever read back as bytes).
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The digest whose bytes are `digest`, which holds 32 of them.
    init(_ digest: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: digest) }
    }

    /// Lowercase hex, 64 characters.
    public var hex: String {
        withUnsafeBytes(of: words) { LowercaseHex.string($0) }
    }

    public var description: String { hex }

    public static func == (lhs: SHA256Hash, rhs: SHA256Hash) -> Bool {
        lhs.words == rhs.words
    }
}
