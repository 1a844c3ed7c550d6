public import HTTP1
public import Multipart
public import Testing

// Incremental parsers must not care where the network cut their input. These helpers run a fresh
// parser over the same bytes cut in many ways and expect the same outcome every time.

// MARK: - Multipart

/// One thing ``MultipartParser`` reported, as ``RecordingMultipartHandler`` keeps it.
public enum MultipartEvent: Equatable, Sendable {
    case started(PartHeaders)
    /// Part bytes; adjacent `partBytes` calls are merged, so only content and order count.
    case bytes([UInt8])
    case ended
}

/// A ``MultipartHandler`` that copies every event, merging adjacent byte runs.
public struct RecordingMultipartHandler: MultipartHandler {
    /// The events so far, in order.
    public private(set) var events: [MultipartEvent] = []

    public init() {}

    public mutating func partStarted(_ headers: PartHeaders) {
        events.append(.started(headers))
    }

    public mutating func partBytes(_ bytes: UnsafeRawBufferPointer) {
        guard case .bytes(var run)? = events.last else {
            events.append(.bytes(Array(bytes)))
            return
        }
        events.removeLast()   // so `run` is uniquely referenced and grows in place
        run.append(contentsOf: bytes)
        events.append(.bytes(run))
    }

    public mutating func partEnded() {
        events.append(.ended)
    }
}

/// Feeds `pieces` in order to a fresh ``MultipartParser``, then calls `finish()`.
/// - Returns: every event, or the first error (``MultipartError/invalidBoundary`` included).
public func parseMultipart(
    _ pieces: [ArraySlice<UInt8>], boundary: String, limits: MultipartLimits = MultipartLimits()
) -> Result<[MultipartEvent], MultipartError> {
    var handler = RecordingMultipartHandler()
    do {
        var parser = try MultipartParser(boundary: boundary, limits: limits)
        for piece in pieces {
            try piece.withUnsafeBytes { try parser.feed($0, to: &handler) }
        }
        try parser.finish()
        return .success(handler.events)
    } catch let error as MultipartError {
        return .failure(error)
    } catch {
        preconditionFailure("RecordingMultipartHandler never throws, yet the parser threw \(error)")
    }
}

/// Parses `input` whole, then cut in every way ``everyChunking(of:)`` lists; every run must give the
/// same events, or the same error.
/// - Returns: the outcome of the whole run, for the caller's own expectations.
@discardableResult
public func expectSameEventsAtEverySplit(
    _ input: [UInt8], boundary: String, limits: MultipartLimits = MultipartLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> Result<[MultipartEvent], MultipartError> {
    expectSameOutcomeAtEverySplit(input, sourceLocation: sourceLocation) {
        parseMultipart($0, boundary: boundary, limits: limits)
    }
}

// MARK: - Request bodies

/// A decoder of one request body that the split helpers can drive: ``ChunkedDecoder`` or ``BodyDecoder``.
public protocol SplitFedBodyDecoder {
    mutating func decode(
        _ input: UnsafeRawBufferPointer, onData: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int
    var isComplete: Bool { get }
}

extension ChunkedDecoder: SplitFedBodyDecoder {}
extension BodyDecoder: SplitFedBodyDecoder {}

/// What a body decoder made of its input.
public struct DecodedBody: Equatable, Sendable {
    /// The body's data bytes (dechunked).
    public var data: [UInt8]
    /// How many input bytes the decoder consumed; the rest belongs to the next request.
    public var consumed: Int
    /// Whether the decoder saw the whole body.
    public var isComplete: Bool

    public init(data: [UInt8], consumed: Int, isComplete: Bool) {
        self.data = data
        self.consumed = consumed
        self.isComplete = isComplete
    }
}

/// Feeds `pieces` in order to `decoder` as a connection would: once a call consumes less than it
/// was given, the body has ended and later pieces are not fed.
public func decodeBody(
    _ pieces: [ArraySlice<UInt8>], with decoder: some SplitFedBodyDecoder
) -> Result<DecodedBody, HTTPParseError> {
    var decoder = decoder
    var data: [UInt8] = []
    var consumed = 0
    do {
        for piece in pieces {
            let used = try piece.withUnsafeBytes { bytes in
                try decoder.decode(bytes) { data.append(contentsOf: $0) }
            }
            consumed += used
            if used < piece.count { break }
        }
    } catch let error as HTTPParseError {
        return .failure(error)
    } catch {
        preconditionFailure("the data closure never throws, yet the decoder threw \(error)")
    }
    return .success(DecodedBody(data: data, consumed: consumed, isComplete: decoder.isComplete))
}

/// Decodes `input` whole with a fresh decoder from `makeDecoder`, then cut in every way
/// ``everyChunking(of:)`` lists; every run must give the same data, consumed count and completeness,
/// or the same error.
/// - Returns: the outcome of the whole run.
@discardableResult
public func expectSameDecodingAtEverySplit<Decoder: SplitFedBodyDecoder>(
    _ input: [UInt8], makeDecoder: () -> Decoder, sourceLocation: SourceLocation = #_sourceLocation
) -> Result<DecodedBody, HTTPParseError> {
    expectSameOutcomeAtEverySplit(input, sourceLocation: sourceLocation) {
        decodeBody($0, with: makeDecoder())
    }
}

// MARK: - Chunkings

/// The ways the split helpers cut an input of `count` bytes, each as the offsets where pieces end:
/// every 2-way split (empty pieces at either end included), every pair of splits for inputs under
/// 300 bytes, a byte-by-byte drip, and 32 seeded random chunkings (piece sizes 1 to 2x a delimiter
/// length, then up to a few KiB) for every input.
func everyChunking(of count: Int) -> [(label: String, cuts: [Int])] {
    var chunkings: [(label: String, cuts: [Int])] = []
    for split in 0...count {
        chunkings.append(("split at \(split)", [split]))
    }
    if count < 300 {
        for first in 0...count {
            for second in first...count {
                chunkings.append(("splits at \(first) and \(second)", [first, second]))
            }
        }
    }
    chunkings.append(("byte by byte", Array(0...count)))
    var generator = SeededRandomNumberGenerator(seed: UInt64(count))
    for run in 0..<32 {
        let largest = run < 16 ? 150 : 4_096
        var cuts: [Int] = []
        var offset = 0
        while offset < count {
            offset = min(count, offset + Int.random(in: 1...largest, using: &generator))
            cuts.append(offset)
        }
        chunkings.append(("random chunking \(run) (seed \(count))", cuts))
    }
    return chunkings
}

/// `input` cut at `cuts` (ascending offsets), the last piece running to its end.
func pieces(of input: [UInt8], cutAt cuts: [Int]) -> [ArraySlice<UInt8>] {
    var pieces: [ArraySlice<UInt8>] = []
    var start = 0
    for cut in cuts {
        pieces.append(input[start..<cut])
        start = cut
    }
    pieces.append(input[start...])
    return pieces
}

/// Runs `parse` on `input` whole and in every chunking, recording one issue per kind of chunking
/// that disagrees with the whole run (the first such chunking), so a bug does not drown the log.
private func expectSameOutcomeAtEverySplit<Outcome: Equatable>(
    _ input: [UInt8], sourceLocation: SourceLocation, parse: ([ArraySlice<UInt8>]) -> Outcome
) -> Outcome {
    let whole = parse([input[...]])
    var reportedKinds: Set<String> = []
    for (label, cuts) in everyChunking(of: input.count) {
        let kind = String(label.prefix(while: { $0 != " " }))   // "split", "splits", "byte", "random"
        guard !reportedKinds.contains(kind) else { continue }
        let outcome = parse(pieces(of: input, cutAt: cuts))
        if outcome != whole {
            reportedKinds.insert(kind)
            Issue.record(
                "\(label): \(describe(outcome)), but whole: \(describe(whole))", sourceLocation: sourceLocation)
        }
    }
    return whole
}

/// Outcomes can hold kilobytes of part bytes; keep issue messages readable.
private func describe<Outcome>(_ outcome: Outcome) -> String {
    let text = String(describing: outcome)
    return text.count <= 600 ? text : text.prefix(600) + "… (\(text.count) characters)"
}
