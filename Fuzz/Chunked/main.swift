// libFuzzer target for ChunkedDecoder and BodyDecoder, compiled into module HTTP1 with
// Sources/HTTP1/*.swift by scripts/fuzz.sh (not a SwiftPM target).
//
// Input: byte 0 picks the limits (bit 0: a 16-byte chunk-line limit, bit 1: a 32-byte trailer limit),
// bytes 1-2 a split point (big-endian, modulo the body length + 1), the rest is the chunked body.
// Checks: the decode is the same whole, split at that point and fed byte by byte (data, bytes consumed,
// completion, error); BodyDecoder(.chunked) agrees; a completed decode matches a naive reference
// decoder; nothing is consumed after the end; Content-Length framing takes exactly its length.

@_cdecl("LLVMFuzzerTestOneInput")
public func chunkedFuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPLimits(maxChunkLineBytes: input[0] & 1 != 0 ? 16 : HTTPLimits.default.maxChunkLineBytes,
                            maxTrailerBytes: input[0] & 2 != 0 ? 32 : HTTPLimits.default.maxTrailerBytes)
    let body = Array(input[3...])
    let split = (Int(input[1]) << 8 | Int(input[2])) % (body.count + 1)

    let whole = decode([body[...]], limits: limits, useBodyDecoder: false)
    let halves = decode([body[..<split], body[split...]], limits: limits, useBodyDecoder: false)
    require(whole == halves, "split at \(split) changed the decode: \(whole) vs \(halves)")
    let viaBodyDecoder = decode([body[..<split], body[split...]], limits: limits, useBodyDecoder: true)
    require(whole == viaBodyDecoder, "BodyDecoder disagrees: \(whole) vs \(viaBodyDecoder)")
    if body.count <= 512 {
        let dripped = decode(body.indices.map { body[$0...$0] }, limits: limits, useBodyDecoder: false)
        require(whole == dripped, "byte-by-byte feeding changed the decode: \(whole) vs \(dripped)")
    }
    if case .success(let decoded) = whole, decoded.isComplete {
        let reference = referenceDecode(body)
        require(reference?.data == decoded.data && reference?.consumed == decoded.consumed,
                     "reference decoder disagrees: \(String(describing: reference)) vs \(decoded)")
    }
    checkContentLength(body, split: split, length: split)
    return 0
}

private struct Decoded: Equatable, CustomStringConvertible {
    var data: [UInt8]
    var consumed: Int
    var isComplete: Bool
    var description: String { "\(data.count) data bytes, consumed \(consumed), complete \(isComplete)" }
}

/// Feeds `pieces` in order until the body is complete or an error; a piece is fed again from where
/// the decoder stopped only if it consumed nothing (which must only happen once complete).
private func decode(_ pieces: [ArraySlice<UInt8>], limits: HTTPLimits, useBodyDecoder: Bool)
    -> Result<Decoded, HTTPParseError> {
    var chunked = ChunkedDecoder(limits: limits)
    var body = BodyDecoder(framing: .chunked, limits: limits)
    var result = Decoded(data: [], consumed: 0, isComplete: false)
    do {
        for piece in pieces {
            let consumed = try piece.withUnsafeBytes { buffer in
                let onData = { (bytes: UnsafeRawBufferPointer) in result.data.append(contentsOf: bytes) }
                return useBodyDecoder ? try body.decode(buffer, onData: onData)
                                      : try chunked.decode(buffer, onData: onData)
            }
            require(consumed >= 0 && consumed <= piece.count)
            result.consumed += consumed
            let complete = useBodyDecoder ? body.isComplete : chunked.isComplete
            require(consumed == piece.count || complete, "stopped early without completing")
            if complete {
                // Once complete, nothing more is taken: the rest belongs to the next request.
                let again = try piece.withUnsafeBytes { buffer in
                    useBodyDecoder ? try body.decode(buffer, onData: { _ in fatalError("data after end") })
                                   : try chunked.decode(buffer, onData: { _ in fatalError("data after end") })
                }
                require(again == 0, "consumed \(again) bytes after the end")
                break
            }
        }
    } catch let error as HTTPParseError {
        require(error == .invalidChunkSize || error == .invalidChunkFraming, "unexpected \(error)")
        return .failure(error)
    } catch {
        fatalError("unexpected error type \(error)")
    }
    result.isComplete = useBodyDecoder ? body.isComplete : chunked.isComplete
    if useBodyDecoder { require(body.bytesDecoded == result.data.count) }
    return .success(result)
}

/// A lenient decoder written from RFC 9112 §7.1 without state machines: what the real decoder accepts
/// it must decode the same way. Returns nil if it finds no complete body.
private func referenceDecode(_ body: [UInt8]) -> (data: [UInt8], consumed: Int)? {
    func lineEnd(from start: Int) -> Int? {   // index of the CR of the next CRLF
        var index = start
        while index + 1 < body.count {
            if body[index] == 13, body[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
    var data: [UInt8] = []
    var position = 0
    while true {
        guard let end = lineEnd(from: position) else { return nil }
        let digits = body[position..<end].prefix { $0 < 128 && Character(UnicodeScalar($0)).isHexDigit }
        guard !digits.isEmpty, digits.count <= 15,
              let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else { return nil }
        position = end + 2
        if size == 0 { break }
        guard body.count - position >= size + 2 else { return nil }
        data.append(contentsOf: body[position..<(position + size)])
        position += size
        guard body[position] == 13, body[position + 1] == 10 else { return nil }
        position += 2
    }
    while true {   // trailer lines, up to the empty one
        guard let end = lineEnd(from: position) else { return nil }
        let empty = end == position
        position = end + 2
        if empty { return (data, position) }
    }
}

/// Content-Length framing: exactly `length` bytes taken, however the input is cut.
private func checkContentLength(_ body: [UInt8], split: Int, length: Int) {
    var decoder = BodyDecoder(framing: .contentLength(length))
    var taken: [UInt8] = []
    for piece in [body[..<split], body[split...], body[...]] {
        _ = try? piece.withUnsafeBytes { buffer in
            try decoder.decode(buffer) { taken.append(contentsOf: $0) }
        }
    }
    require(taken == Array(body.prefix(length)) && decoder.isComplete && decoder.remainingLength == 0,
                 "Content-Length framing took \(taken.count) of \(length)")
}

/// `precondition` that keeps its message in -O builds, so a crash report says which check failed.
private func require(_ condition: Bool, _ message: @autoclosure () -> String = "",
                     file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant failed: \(message())", file: file, line: line) }
}
