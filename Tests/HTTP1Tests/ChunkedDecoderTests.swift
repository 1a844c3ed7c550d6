import HTTP1
import HaptikTestSupport
import Testing

/// Decodes `body` with fresh ``ChunkedDecoder``s, whole and at every split point, expecting agreement.
@discardableResult
private func decodeChunked(
    _ body: String, limits: HTTPLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> Result<DecodedBody, HTTPParseError> {
    decodeChunked(Array(body.utf8), limits: limits, sourceLocation: sourceLocation)
}

@discardableResult
private func decodeChunked(
    _ body: [UInt8], limits: HTTPLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> Result<DecodedBody, HTTPParseError> {
    expectSameDecodingAtEverySplit(body, makeDecoder: { ChunkedDecoder(limits: limits) },
                                   sourceLocation: sourceLocation)
}

/// A complete decode of `data` that consumed `consumed` bytes.
private func complete(_ data: String, consumed: Int) -> Result<DecodedBody, HTTPParseError> {
    .success(DecodedBody(data: Array(data.utf8), consumed: consumed, isComplete: true))
}

@Suite struct ChunkedDecoderTests {
    // MARK: - Valid bodies

    @Test func decodesOneChunkAndTheLastChunk() {
        let body = "5\r\nhello\r\n0\r\n\r\n"
        #expect(decodeChunked(body) == complete("hello", consumed: body.utf8.count))
    }

    @Test func decodesSeveralChunksInOrder() {
        let body = "5\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\n\r\n"
        #expect(decodeChunked(body) == complete("hello world!", consumed: body.utf8.count))
    }

    @Test func decodesEmptyBody() {
        #expect(decodeChunked("0\r\n\r\n") == complete("", consumed: 5))
    }

    @Test func readsChunkSizesAsHexInEitherCase() {
        let data = String(repeating: "x", count: 0x1A)
        let body = "1a\r\n\(data)\r\n1A\r\n\(data)\r\nA\r\n0123456789\r\n0\r\n\r\n"
        #expect(decodeChunked(body) == complete(data + data + "0123456789", consumed: body.utf8.count))
    }

    @Test func acceptsLeadingZerosInChunkSize() {
        let body = "0005\r\nhello\r\n000\r\n\r\n"
        #expect(decodeChunked(body) == complete("hello", consumed: body.utf8.count))
    }

    @Test func passesCRLFInsideChunkDataThrough() {
        let body = "6\r\n\r\n0\r\n\r\r\n0\r\n\r\n"
        #expect(decodeChunked(body) == complete("\r\n0\r\n\r", consumed: body.utf8.count))
    }

    @Test func decodesBinaryChunkData() {
        let data = (0...255).map(UInt8.init)
        let body = Array("100\r\n".utf8) + data + Array("\r\n0\r\n\r\n".utf8)
        #expect(decodeChunked(body) == .success(DecodedBody(data: data, consumed: body.count, isComplete: true)))
    }

    @Test func skipsChunkExtensions() {
        let body = "5;name=value\r\nhello\r\n6 ; a=\"quoted;\\\"x\" ;b\r\n world\r\n0;last\r\n\r\n"
        #expect(decodeChunked(body) == complete("hello world", consumed: body.utf8.count))
    }

    @Test func discardsTrailerFields() {
        let body = "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nExpires:\tnever \r\n\r\n"
        #expect(decodeChunked(body) == complete("hello", consumed: body.utf8.count))
    }

    @Test func acceptsFifteenHexDigitChunkSize() {
        #expect(decodeChunked("fffffffffffffff\r\nabc")
            == .success(DecodedBody(data: Array("abc".utf8), consumed: 20, isComplete: false)))
    }

    @Test func acceptsChunkLineUpToTheLimit() {
        let limits = HTTPLimits(maxChunkLineBytes: 16)
        // "5;" + 13 bytes + CR = 16 counted bytes; the LF is not counted.
        let body = "5;" + String(repeating: "e", count: 13) + "\r\nhello\r\n0\r\n\r\n"
        #expect(decodeChunked(body, limits: limits) == complete("hello", consumed: body.utf8.count))
    }

    @Test func acceptsTrailersUpToTheLimit() {
        let trailer = "X: " + String(repeating: "t", count: 9) + "\r\n\r\n"   // 16 bytes
        let body = "0\r\n" + trailer
        #expect(decodeChunked(body, limits: HTTPLimits(maxTrailerBytes: 16)) == complete("", consumed: body.utf8.count))
    }

    // MARK: - Where it stops

    @Test func stopsAtTheEndLeavingPipelinedBytesUnconsumed() {
        let body = "5\r\nhello\r\n0\r\nX: y\r\n\r\n"
        let next = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(decodeChunked(body + next) == complete("hello", consumed: body.utf8.count))
    }

    @Test func stopsAtTheEndEvenIfWhatFollowsIsGarbage() {
        let body = "0\r\n\r\n"
        #expect(decodeChunked(body + "\r\n\n\0zz") == complete("", consumed: body.utf8.count))
    }

    @Test(arguments: [
        ("", ""), ("5", ""), ("5\r", ""), ("5;ext", ""), ("5\r\nhel", "hel"), ("5\r\nhello\r", "hello"),
        ("5\r\nhello\r\n", "hello"), ("5\r\nhello\r\n0\r\n", "hello"), ("5\r\nhello\r\n0\r\nX: y\r\n", "hello"),
        ("5\r\nhello\r\n0\r\n\r", "hello"),
    ])
    func consumesEverythingWhileTheBodyIsIncomplete(partial: String, data: String) {
        #expect(decodeChunked(partial)
            == .success(DecodedBody(data: Array(data.utf8), consumed: partial.utf8.count, isComplete: false)))
    }

    @Test func returnsZeroOnceComplete() throws {
        var decoder = ChunkedDecoder()
        let body = Array("0\r\n\r\nGET".utf8)
        let first = try body.withUnsafeBytes { try decoder.decode($0) { _ in Issue.record("no data expected") } }
        #expect(first == 5)
        #expect(decoder.isComplete)
        let again = try body[5...].withUnsafeBytes { try decoder.decode($0) { _ in Issue.record("no data expected") } }
        #expect(again == 0)
    }

    @Test func handsDataOutWithoutBufferingIt() throws {
        var decoder = ChunkedDecoder()
        var runs: [[UInt8]] = []
        _ = try Array("a\r\n01234".utf8).withUnsafeBytes { try decoder.decode($0) { runs.append(Array($0)) } }
        _ = try Array("56789\r\n0\r\n\r\n".utf8).withUnsafeBytes { try decoder.decode($0) { runs.append(Array($0)) } }
        #expect(runs == [Array("01234".utf8), Array("56789".utf8)])
    }

    @Test func propagatesErrorsThrownByTheDataHandler() {
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            var decoder = ChunkedDecoder()
            return try Array("1\r\nx\r\n0\r\n\r\n".utf8).withUnsafeBytes { try decoder.decode($0) { _ in throw Stop() } }
        }
    }

    // MARK: - invalidChunkSize

    @Test(arguments: ["\r\n", "g\r\n", "-1\r\n", "+1\r\n", " 5\r\n", ";ext\r\n", "0x5\r\n"])
    func rejectsChunkSizeLineThatDoesNotStartWithHexDigits(line: String) {
        #expect(decodeChunked(line + "hello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsBareLineFeedAfterChunkSize() {
        #expect(decodeChunked("5\nhello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsBareLineFeedAfterLastChunkSize() {
        #expect(decodeChunked("0\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsBareCarriageReturnAfterChunkSize() {
        #expect(decodeChunked("5\rhello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsBareLineFeedInChunkExtension() {
        #expect(decodeChunked("5;a=b\nhello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsControlByteInChunkExtension() {
        let body = Array("5;a=".utf8) + [0x01] + Array("\r\nhello\r\n0\r\n\r\n".utf8)
        #expect(decodeChunked(body) == .failure(.invalidChunkSize))
    }

    @Test func rejectsChunkExtensionWithoutSemicolon() {
        // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).
        #expect(decodeChunked("5 xyz\r\nhello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test(arguments: [16, 17, 40])
    func rejectsChunkSizeWithMoreThanFifteenHexDigits(digits: Int) {
        let size = "1" + String(repeating: "0", count: digits - 1)
        #expect(decodeChunked(size + "\r\nhello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsSixteenDigitSizeEvenWithLeadingZeros() {
        #expect(decodeChunked("0000000000000005\r\nhello\r\n0\r\n\r\n") == .failure(.invalidChunkSize))
    }

    @Test func rejectsChunkLineLongerThanTheLimit() {
        let limits = HTTPLimits(maxChunkLineBytes: 16)
        let body = "5;" + String(repeating: "e", count: 14) + "\r\nhello\r\n0\r\n\r\n"
        #expect(decodeChunked(body, limits: limits) == .failure(.invalidChunkSize))
    }

    @Test func rejectsChunkLineLongerThanTheDefaultLimit() {
        let body = Array(("5;" + String(repeating: "e", count: 5_000) + "\r\nhello\r\n0\r\n\r\n").utf8)
        #expect(decodeBody([body[...]], with: ChunkedDecoder()) == .failure(.invalidChunkSize))
        #expect(decodeBody(body.map { [$0][...] }, with: ChunkedDecoder()) == .failure(.invalidChunkSize))
    }

    @Test func countsTheLineLimitPerChunk() {
        let limits = HTTPLimits(maxChunkLineBytes: 8)
        let body = "1;aaaaa\r\nx\r\n1;bbbbb\r\ny\r\n0;ccccc\r\n\r\n"
        #expect(decodeChunked(body, limits: limits) == complete("xy", consumed: body.utf8.count))
    }

    // MARK: - invalidChunkFraming

    @Test func rejectsChunkDataNotFollowedByCRLF() {
        #expect(decodeChunked("5\r\nhelloX\r\n0\r\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsChunkDataLongerThanItsSize() {
        #expect(decodeChunked("4\r\nhello\r\n0\r\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsBareLineFeedAfterChunkData() {
        #expect(decodeChunked("5\r\nhello\n0\r\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsBareCarriageReturnAfterChunkData() {
        #expect(decodeChunked("5\r\nhello\r0\r\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsBareLineFeedAsTheFinalEmptyLine() {
        #expect(decodeChunked("0\r\n\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsBareCarriageReturnAsTheFinalEmptyLine() {
        #expect(decodeChunked("0\r\n\rX") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsBareLineFeedEndingTrailerField() {
        #expect(decodeChunked("0\r\nX: y\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsBareLineFeedAfterTrailerSection() {
        #expect(decodeChunked("0\r\nX: y\r\n\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsObsoleteLineFoldingInTrailer() {
        #expect(decodeChunked("0\r\nX: y\r\n z\r\n\r\n") == .failure(.invalidChunkFraming))
        #expect(decodeChunked("0\r\n\tX: y\r\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsControlByteInTrailer() {
        let body = Array("0\r\nX: ".utf8) + [0x00] + Array("\r\n\r\n".utf8)
        #expect(decodeChunked(body) == .failure(.invalidChunkFraming))
    }

    @Test func rejectsTrailerFieldWithoutColon() {
        // RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), field-line = field-name ":" OWS field-value OWS.
        #expect(decodeChunked("0\r\nnot a field\r\n\r\n") == .failure(.invalidChunkFraming))
    }

    @Test func rejectsTrailerSectionLongerThanTheLimit() {
        let trailer = "X: " + String(repeating: "t", count: 10) + "\r\n\r\n"   // 17 bytes
        #expect(decodeChunked("0\r\n" + trailer, limits: HTTPLimits(maxTrailerBytes: 16)) == .failure(.invalidChunkFraming))
    }

    @Test func rejectsEndlessTrailerUnderTheDefaultLimit() {
        let body = Array(("0\r\n" + String(repeating: "X: y\r\n", count: 3_000)).utf8)
        #expect(decodeBody([body[...]], with: ChunkedDecoder()) == .failure(.invalidChunkFraming))
    }
}
