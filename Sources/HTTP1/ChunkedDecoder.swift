/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1). Keeps a few integers of
/// state between calls, never the data; extensions are checked and skipped, trailers discarded.
public struct ChunkedDecoder: Sendable {
    enum Phase: Equatable, Sendable {
        case size(value: Int, digits: Int)
        case sizeExtension
        case sizeLineFeed(lastChunk: Bool)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine
        case trailerLineFeed(emptyLine: Bool)
        case done
    }

    private(set) var phase: Phase = .size(value: 0, digits: 0)
    private var lineBytes = 0
    private var trailerBytes = 0
    private let limits: HTTPLimits

    public init(limits: HTTPLimits = .default) {
        self.limits = limits
    }

    /// Whether the last chunk and the trailer section have been read.
    public var isComplete: Bool { phase == .done }

    /// Decodes from `input`, handing each run of data bytes to `onData` (valid only during the call).
    /// Returns how many bytes of `input` it consumed: all of them, unless the body ended before.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer, onData: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        var index = 0
        while index < input.count, phase != .done {
            if case .data(let remaining) = phase {
                let take = min(remaining, input.count - index)
                try onData(UnsafeRawBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                phase = remaining == take ? .dataCarriageReturn : .data(remaining: remaining - take)
                continue
            }
            try step(input[index])
            index += 1
        }
        return index
    }

    /// Advances the framing state by one byte outside chunk data.
    private mutating func step(_ byte: UInt8) throws(HTTPParseError) {
        switch phase {
        case .size(let value, let digits):
            try countLineByte()
            if let digit = Self.hexDigit(byte) {
                guard digits < 15 else { throw .invalidChunkSize }
                phase = .size(value: value << 4 | digit, digits: digits + 1)
            } else if digits > 0, byte == ASCII.cr {
                phase = .sizeLineFeed(lastChunk: value == 0)
                pendingSize = value
            } else if digits > 0, byte == UInt8(ascii: ";") || ASCII.isOptionalWhitespace(byte) {
                phase = .sizeExtension
                pendingSize = value
            } else {
                throw .invalidChunkSize
            }
        case .sizeExtension:
            try countLineByte()
            if byte == ASCII.cr {
                phase = .sizeLineFeed(lastChunk: pendingSize == 0)
            } else if !ASCII.isFieldValueByte[Int(byte)] {
                throw .invalidChunkSize
            }
        case .sizeLineFeed(let lastChunk):
            guard byte == ASCII.lf else { throw .invalidChunkSize }
            lineBytes = 0
            phase = lastChunk ? .trailerLineStart : .data(remaining: pendingSize)
        case .data:
            preconditionFailure("chunk data is consumed in bulk by decode(_:onData:)")
        case .dataCarriageReturn:
            guard byte == ASCII.cr else { throw .invalidChunkFraming }
            phase = .dataLineFeed
        case .dataLineFeed:
            guard byte == ASCII.lf else { throw .invalidChunkFraming }
            phase = .size(value: 0, digits: 0)
        case .trailerLineStart, .trailerLine:
            try countTrailerByte()
            if byte == ASCII.cr {
                phase = .trailerLineFeed(emptyLine: phase == .trailerLineStart)
            } else if phase == .trailerLineStart, ASCII.isOptionalWhitespace(byte) {
                throw .invalidChunkFraming   // obs-fold in a trailer
            } else if ASCII.isFieldValueByte[Int(byte)] {
                phase = .trailerLine
            } else {
                throw .invalidChunkFraming
            }
        case .trailerLineFeed(let emptyLine):
            try countTrailerByte()
            guard byte == ASCII.lf else { throw .invalidChunkFraming }
            phase = emptyLine ? .done : .trailerLineStart
        case .done:
            break
        }
    }

    private var pendingSize = 0

    private mutating func countLineByte() throws(HTTPParseError) {
        lineBytes += 1
        if lineBytes > limits.maxChunkLineBytes { throw .invalidChunkSize }
    }

    private mutating func countTrailerByte() throws(HTTPParseError) {
        trailerBytes += 1
        if trailerBytes > limits.maxTrailerBytes { throw .invalidChunkFraming }
    }

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
