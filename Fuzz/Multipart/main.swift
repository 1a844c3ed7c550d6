// libFuzzer target for MultipartParser, compiled into module Multipart with Sources/Multipart/*.swift
// by scripts/fuzz.sh (not a SwiftPM target).
//
// Input: bytes 0-1 and 2-3 are two split points (big-endian, modulo the body length + 1), then the
// boundary up to the first LF (at most 80 bytes; an invalid one must be refused by init), then the body.
// Checks: the parse (parts, their headers and bytes, or the error, finish() included) is the same fed
// whole and fed in three pieces cut at the split points; on a well-formed body, as a naive reference
// splitter finds delimiters, the parser succeeds or fails only on part headers, and on success the
// bytes of each part are exactly the reference's; the handler sees started, bytes..., ended in order.

@_cdecl("LLVMFuzzerTestOneInput")
public func multipartFuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 5 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let newline = input[4...].prefix(81).firstIndex(of: 10) else { return 0 }
    let boundaryBytes = input[4..<newline]
    let body = Array(input[(newline + 1)...])
    let firstSplit = (Int(input[0]) << 8 | Int(input[1])) % (body.count + 1)
    let secondSplit = (Int(input[2]) << 8 | Int(input[3])) % (body.count + 1)
    let (low, high) = (min(firstSplit, secondSplit), max(firstSplit, secondSplit))

    // A boundary is accepted exactly when it is 1-70 bchars not ending in a space.
    let boundary = String(decoding: boundaryBytes, as: UTF8.self)
    let valid = MultipartBoundary.isValid(boundary)
    require(valid == referenceIsValid(boundaryBytes), "isValid disagrees on \(Array(boundaryBytes))")
    let limits = MultipartLimits(maxPartHeaderBytes: 1_024)
    guard valid else {
        do {
            _ = try MultipartParser(boundary: boundary, limits: limits)
            fatalError("an invalid boundary was accepted")
        } catch {
            require(error == .invalidBoundary)
        }
        return 0
    }

    let whole = parse([body[...]], boundary: boundary, limits: limits)
    let pieces = parse([body[..<low], body[low..<high], body[high...]], boundary: boundary, limits: limits)
    require(whole == pieces, "splits at \(low), \(high) changed the parse: \(whole) vs \(pieces)")

    let delimiter = Array("\r\n--".utf8) + Array(boundaryBytes)
    guard let reference = referenceSplit(body, delimiter: delimiter) else { return 0 }   // not well-formed
    switch whole.outcome {
    case .success:
        require(whole.parts.count == reference.count,
                     "\(whole.parts.count) parts, the reference finds \(reference.count)")
        for (part, expected) in zip(whole.parts, reference) {
            require(part.bytes[...] == expected.content, "part bytes differ from the reference split")
        }
    case .failure(let error):
        // Delimiters and the end are where the reference found them: only a part's header section,
        // which the reference does not interpret, may be refused.
        require([.malformedPartHeaders, .missingContentDisposition, .partHeadersTooLarge].contains(error),
                     "refused a well-formed body with \(error)")
        if error == .partHeadersTooLarge {
            require(reference.contains { $0.headerSpan > limits.maxPartHeaderBytes + 2 },
                         "partHeadersTooLarge though every header section fits")
        }
    }
    return 0
}

/// RFC 2046 §5.1.1 written out: 1-70 of `bchars`, the last not a space.
private func referenceIsValid(_ bytes: ArraySlice<UInt8>) -> Bool {
    let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
    return (1...70).contains(bytes.count) && bytes.last != 32 && bytes.allSatisfy(allowed.contains)
}

// MARK: - The parser, recorded

private struct Part: Equatable {
    var headers: PartHeaders
    var bytes: [UInt8] = []
    var ended = false
}

private struct Parse: Equatable, CustomStringConvertible {
    var parts: [Part] = []
    var outcome: Result<Void, MultipartError> = .success(())

    static func == (lhs: Parse, rhs: Parse) -> Bool {
        guard lhs.parts.map(\.headers) == rhs.parts.map(\.headers) else { return false }
        switch (lhs.outcome, rhs.outcome) {
        case (.success, .success): return lhs.parts == rhs.parts
        case (.failure(let left), .failure(let right)): return left == right
        default: return false
        }
    }

    var description: String {
        let parts = parts.map { "\($0.headers.name): \($0.bytes.count) bytes\($0.ended ? "" : " (open)")" }
        return "\(parts) \(outcome)"
    }
}

/// Checks the order of events as it records them: started, any bytes, ended.
private struct Recorder: MultipartHandler {
    var parts: [Part] = []

    mutating func partStarted(_ headers: PartHeaders) {
        require(parts.last?.ended ?? true, "partStarted inside a part")
        parts.append(Part(headers: headers))
    }

    mutating func partBytes(_ bytes: UnsafeRawBufferPointer) {
        require(parts.last.map { !$0.ended } ?? false, "partBytes outside a part")
        parts[parts.count - 1].bytes.append(contentsOf: bytes)
    }

    mutating func partEnded() {
        require(parts.last.map { !$0.ended } ?? false, "partEnded outside a part")
        parts[parts.count - 1].ended = true
    }
}

private func parse(_ pieces: [ArraySlice<UInt8>], boundary: String, limits: MultipartLimits) -> Parse {
    var recorder = Recorder()
    var parser: MultipartParser
    do {
        parser = try MultipartParser(boundary: boundary, limits: limits)
    } catch {
        fatalError("a valid boundary was refused")
    }
    do {
        for piece in pieces {
            try piece.withUnsafeBytes { try parser.feed($0, to: &recorder) }
        }
        try parser.finish()
    } catch let error as MultipartError {
        return Parse(parts: recorder.parts, outcome: .failure(error))
    } catch {
        fatalError("unexpected error type \(error)")
    }
    require(parser.isComplete)
    require(recorder.parts.allSatisfy(\.ended), "finish() succeeded with a part still open")
    return Parse(parts: recorder.parts)
}

// MARK: - The reference splitter

/// One part as the reference finds it.
private struct ReferencePart {
    /// From the delimiter line's CRLF to the end of the blank line: what the parser collects, at most
    /// `maxPartHeaderBytes + 2` bytes of it.
    var headerSpan: Int
    var content: ArraySlice<UInt8>
}

/// Splits a body naively: delimiters (`CRLF--boundary`) found by comparing at every offset, the body
/// taken to start with a CRLF so that it may open with `--boundary`. After each delimiter: `--` ends
/// the body, else spaces or tabs and CRLF, then the header section up to the first blank line, then
/// the content up to the next delimiter. Nil unless the body is well-formed in that sense.
private func referenceSplit(_ body: [UInt8], delimiter: [UInt8]) -> [ReferencePart]? {
    let text = [13, 10] + body
    func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard text.count >= pattern.count, start <= text.count - pattern.count else { return nil }
        for offset in start...(text.count - pattern.count) where text[offset..<(offset + pattern.count)].elementsEqual(pattern) {
            return offset
        }
        return nil
    }
    var parts: [ReferencePart] = []
    guard var position = find(delimiter, from: 0).map({ $0 + delimiter.count }) else { return nil }
    while true {
        if text[position...].starts(with: [45, 45]) { return parts }   // "--": the close delimiter
        while position < text.count, text[position] == 32 || text[position] == 9 { position += 1 }
        guard text[position...].starts(with: [13, 10]) else { return nil }
        // The section's own lines start after this CRLF; an empty section is this CRLF then CRLF.
        guard let blank = find([13, 10, 13, 10], from: position) else { return nil }
        let contentStart = blank + 4
        guard let next = find(delimiter, from: contentStart) else { return nil }
        parts.append(ReferencePart(headerSpan: blank + 4 - position,
                                   content: text[contentStart..<next]))
        position = next + delimiter.count
    }
}

/// `precondition` that keeps its message in -O builds, so a crash report says which check failed.
private func require(_ condition: Bool, _ message: @autoclosure () -> String = "",
                     file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant failed: \(message())", file: file, line: line) }
}
