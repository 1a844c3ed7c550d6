/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1). Keeps a few integers of
/// state between calls, never the data; extensions are checked and skipped, trailers discarded.
public struct ChunkedDecoder: Sendable {
    enum Phase: Equatable, Sendable {
        case size(value: Int, digits: Int)
        /// Whitespace after the size, which may only precede `;` (RFC 9112 §7.1.1: BWS).
        case sizeWhitespace
        /// Inside `;name[=value]...`; `hasName` once the current extension has a name byte.
        case sizeExtension(hasName: Bool)
        /// Inside an extension's quoted-string value; `escaped` right after a backslash.
        case sizeExtensionQuoted(escaped: Bool)
        case sizeLineFeed(lastChunk: Bool)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerName
        case trailerValue
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
            } else if digits > 0, byte == UInt8(ascii: ";") {
                phase = .sizeExtension(hasName: false)
                pendingSize = value
            } else if digits > 0, ASCII.isOptionalWhitespace(byte) {
                phase = .sizeWhitespace
                pendingSize = value
            } else {
                throw .invalidChunkSize
            }
        case .sizeWhitespace:
            try countLineByte()
            if byte == UInt8(ascii: ";") {
                phase = .sizeExtension(hasName: false)
            } else if !ASCII.isOptionalWhitespace(byte) {
                throw .invalidChunkSize
            }
        case .sizeExtension(let hasName):
            try countLineByte()
            switch byte {
            case ASCII.cr where hasName:
                phase = .sizeLineFeed(lastChunk: pendingSize == 0)
            case UInt8(ascii: ";") where hasName:
                phase = .sizeExtension(hasName: false)
            case UInt8(ascii: "\"") where hasName:
                phase = .sizeExtensionQuoted(escaped: false)
            case _ where !hasName && ASCII.isOptionalWhitespace(byte):
                break
            case _ where !hasName && ASCII.isTokenByte(byte):
                phase = .sizeExtension(hasName: true)
            case _ where hasName && ASCII.isFieldValueByte(byte):
                break
            default:
                throw .invalidChunkSize
            }
        case .sizeExtensionQuoted(let escaped):
            try countLineByte()
            guard ASCII.isFieldValueByte(byte) else { throw .invalidChunkSize }
            if escaped {
                phase = .sizeExtensionQuoted(escaped: false)
            } else if byte == UInt8(ascii: "\\") {
                phase = .sizeExtensionQuoted(escaped: true)
            } else if byte == UInt8(ascii: "\"") {
                phase = .sizeExtension(hasName: true)
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
        case .trailerLineStart:
            // A trailer field is `name: value` (RFC 9112 §7.1.2); a leading space would be obs-fold.
            try countTrailerByte()
            if byte == ASCII.cr {
                phase = .trailerLineFeed(emptyLine: true)
            } else if ASCII.isTokenByte(byte) {
                phase = .trailerName
            } else {
                throw .invalidChunkFraming
            }
        case .trailerName:
            try countTrailerByte()
            if byte == ASCII.colon {
                phase = .trailerValue
            } else if !ASCII.isTokenByte(byte) {
                throw .invalidChunkFraming
            }
        case .trailerValue:
            try countTrailerByte()
            if byte == ASCII.cr {
                phase = .trailerLineFeed(emptyLine: false)
            } else if !ASCII.isFieldValueByte(byte) {
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
