/// Incremental `multipart/form-data` parser (RFC 7578, RFC 2046 §5.1).
///
/// Feed it the body in pieces of any size; part bytes are handed to the handler as slices of the
/// input itself, except for at most `delimiter.count - 1` bytes held back between calls because
/// they might begin a delimiter. Memory therefore stays flat whatever the upload size. Part header
/// sections are collected, up to ``MultipartLimits/maxPartHeaderBytes``.
public struct MultipartParser {
    private enum Phase {
        case preamble
        case delimiterLine(DelimiterLine)
        case headers
        case body
        case epilogue
    }

    /// Where the parser is in the rest of a line after `CRLF--boundary`.
    private enum DelimiterLine {
        case start, firstDash, padding, carriageReturn
    }

    /// `CRLF--boundary`, the delimiter of RFC 2046 §5.1.1.
    private let delimiter: [UInt8]
    private let limits: MultipartLimits
    private var phase: Phase = .preamble
    /// Bytes that might begin a delimiter, held until the next feed decides. Starts as CRLF so that a
    /// body opening directly with `--boundary` is found like any other delimiter.
    private var carry: [UInt8]
    private var scratch: [UInt8] = []
    /// The header section being collected, after the CRLF that ended the delimiter line.
    private var headerBytes: [UInt8] = []
    private static let blankLine: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// - Throws: ``MultipartError/invalidBoundary`` unless `boundary` is 1-70 valid characters.
    public init(boundary: String, limits: MultipartLimits = MultipartLimits()) throws(MultipartError) {
        guard MultipartBoundary.isValid(boundary) else { throw .invalidBoundary }
        delimiter = [0x0D, 0x0A, UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary.utf8
        self.limits = limits
        carry = [0x0D, 0x0A]
        carry.reserveCapacity(delimiter.count)
        scratch.reserveCapacity(2 * delimiter.count)
    }

    /// Whether the close delimiter has been seen; what follows it is the ignored epilogue.
    public var isComplete: Bool {
        if case .epilogue = phase { return true }
        return false
    }

    /// Parses `input`, reporting parts to `handler`. Handler errors propagate as thrown.
    public mutating func feed(_ input: UnsafeRawBufferPointer, to handler: inout some MultipartHandler) throws {
        var index = 0
        while index < input.count {
            switch phase {
            case .preamble, .body:
                index = try scanForDelimiter(input, from: index, handler: &handler)
            case .delimiterLine(let line):
                try advance(line, byte: input[index])
                index += 1
            case .headers:
                index = try collectHeaders(input, from: index, handler: &handler)
            case .epilogue:
                return
            }
        }
    }

    /// Declares the end of the body.
    /// - Throws: ``MultipartError/truncated`` unless the close delimiter was seen.
    public func finish() throws(MultipartError) {
        guard isComplete else { throw .truncated }
    }

    // MARK: - Delimiter search

    /// Passes on every byte that cannot begin a delimiter and stops after the first delimiter found.
    private mutating func scanForDelimiter(
        _ input: UnsafeRawBufferPointer, from start: Int, handler: inout some MultipartHandler
    ) throws -> Int {
        var index = start
        if !carry.isEmpty {
            // A delimiter that begins in `carry` ends within its first `delimiter.count - 1` followers.
            let lookahead = min(input.count - index, delimiter.count - 1)
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: carry)
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<(index + lookahead)]))
            let carried = carry.count
            carry.removeAll(keepingCapacity: true)
            let (match, held) = scratch.withUnsafeBytes { locate(in: $0) }
            if let match {
                try emit(scratch, upTo: match, handler: &handler)
                try delimiterFound(handler: &handler)
                return index + match + delimiter.count - carried
            }
            if lookahead == delimiter.count - 1 {
                try emit(scratch, upTo: carried, handler: &handler)   // no delimiter can start in carry
            } else {
                try emit(scratch, upTo: held, handler: &handler)      // input exhausted: hold the undecided tail
                carry.append(contentsOf: scratch[held...])
                return input.count
            }
        }
        let region = UnsafeRawBufferPointer(rebasing: input[index...])
        let (match, held) = locate(in: region)
        if let match {
            try emit(UnsafeRawBufferPointer(rebasing: region[..<match]), handler: &handler)
            try delimiterFound(handler: &handler)
            return index + match + delimiter.count
        }
        try emit(UnsafeRawBufferPointer(rebasing: region[..<held]), handler: &handler)
        carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: region[held...]))
        index = input.count
        return index
    }

    /// The offset of the first whole delimiter in `bytes`, or else the offset from which the tail
    /// of `bytes` could still be the start of one (`bytes.count` if it cannot).
    private func locate(in bytes: UnsafeRawBufferPointer) -> (match: Int?, held: Int) {
        let (whole, partial) = delimiter.withUnsafeBytes { ByteSearch.find($0, in: bytes) }
        return (whole, whole == nil ? partial ?? bytes.count : bytes.count)
    }

    private mutating func emit(
        _ bytes: UnsafeRawBufferPointer, handler: inout some MultipartHandler
    ) throws {
        guard case .body = phase, !bytes.isEmpty else { return }
        try handler.partBytes(bytes)
    }

    private mutating func emit(
        _ bytes: [UInt8], upTo end: Int, handler: inout some MultipartHandler
    ) throws {
        try bytes.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[..<end]), handler: &handler) }
    }

    private mutating func delimiterFound(handler: inout some MultipartHandler) throws {
        if case .body = phase { try handler.partEnded() }
        phase = .delimiterLine(.start)
    }

    // MARK: - The rest of the delimiter line

    /// After `CRLF--boundary`: `--` closes the body; otherwise optional whitespace, then CRLF.
    private mutating func advance(_ line: DelimiterLine, byte: UInt8) throws(MultipartError) {
        switch (line, byte) {
        case (.start, UInt8(ascii: "-")):
            phase = .delimiterLine(.firstDash)
        case (.firstDash, UInt8(ascii: "-")):
            phase = .epilogue
        case (.start, 0x20), (.start, 0x09), (.padding, 0x20), (.padding, 0x09):
            phase = .delimiterLine(.padding)
        case (.start, 0x0D), (.padding, 0x0D):
            phase = .delimiterLine(.carriageReturn)
        case (.carriageReturn, 0x0A):
            headerBytes.removeAll(keepingCapacity: true)
            headerBytes.append(contentsOf: [0x0D, 0x0A])
            phase = .headers
        default:
            throw .malformedDelimiter
        }
    }

    // MARK: - Part headers

    /// Where the blank line ending the header section ends in `input`: it may begin in the last 3
    /// bytes already collected. Nil if it is not there yet.
    private func blankLineEnd(in input: UnsafeRawBufferPointer) -> Int? {
        for collected in stride(from: min(3, headerBytes.count), through: 1, by: -1)
        where headerBytes.suffix(collected).elementsEqual(Self.blankLine.prefix(collected))
            && input.count >= 4 - collected && input.prefix(4 - collected).elementsEqual(Self.blankLine.suffix(4 - collected)) {
            return 4 - collected   // the blank line began in what was collected before
        }
        return Self.blankLine.withUnsafeBytes { ByteSearch.find($0, in: input).whole }.map { $0 + 4 }
    }

    /// Collects the header section up to its blank line, then reports the part.
    private mutating func collectHeaders(
        _ input: UnsafeRawBufferPointer, from start: Int, handler: inout some MultipartHandler
    ) throws -> Int {
        // `headerBytes` is the delimiter line's CRLF plus the section: at most 2 + the limit. Only
        // the section's own bytes are copied into it, never the part's content that follows.
        let room = limits.maxPartHeaderBytes + 2 - headerBytes.count
        let available = UnsafeRawBufferPointer(rebasing: input[start..<(start + min(input.count - start, room))])
        guard let sectionEnd = blankLineEnd(in: available) else {
            headerBytes.append(contentsOf: available)
            if headerBytes.count >= limits.maxPartHeaderBytes + 2 { throw MultipartError.partHeadersTooLarge }
            return start + available.count
        }
        headerBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: available[..<sectionEnd]))
        // The section is every line after the delimiter line's CRLF, each with its own CRLF.
        let headers = try PartHeaders.parse(headerBytes[2..<(headerBytes.count - 2)])
        phase = .body
        try handler.partStarted(headers)
        return start + sectionEnd
    }
}
