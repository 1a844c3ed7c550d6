import HTTP1
import HaptikTestSupport
import Testing

/// Decodes `input` with fresh ``BodyDecoder``s for `framing`, whole and at every split point.
@discardableResult
private func decode(
    _ input: String, framing: RequestHead.BodyFraming, limits: HTTPLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Result<DecodedBody, HTTPParseError> {
    expectSameDecodingAtEverySplit(Array(input.utf8), makeDecoder: { BodyDecoder(framing: framing, limits: limits) },
                                   sourceLocation: sourceLocation)
}

private func decoded(_ data: String, consumed: Int, complete: Bool = true) -> Result<DecodedBody, HTTPParseError> {
    .success(DecodedBody(data: Array(data.utf8), consumed: consumed, isComplete: complete))
}

@Suite struct BodyDecoderTests {
    // MARK: - Content-Length

    @Test func readsExactlyContentLengthBytes() {
        #expect(decode("hello", framing: .contentLength(5)) == decoded("hello", consumed: 5))
    }

    @Test func leavesPipelinedBytesAfterContentLength() {
        #expect(decode("helloGET / HTTP/1.1\r\n\r\n", framing: .contentLength(5)) == decoded("hello", consumed: 5))
    }

    @Test func passesContentLengthBodiesThroughUnchanged() {
        let body = "5\r\nabc\r\n0\r\n\r\n--b\r\n\r\n"   // looks chunked and multipart: must not matter
        #expect(decode(body, framing: .contentLength(body.utf8.count)) == decoded(body, consumed: body.utf8.count))
    }

    @Test func waitsForTheRestOfAShortBody() {
        #expect(decode("hel", framing: .contentLength(5)) == decoded("hel", consumed: 3, complete: false))
    }

    @Test func isCompleteAtOnceForZeroLength() throws {
        var decoder = BodyDecoder(framing: .contentLength(0))
        #expect(decoder.isComplete)
        let consumed = try Array("GET".utf8).withUnsafeBytes {
            try decoder.decode($0) { _ in Issue.record("no data expected") }
        }
        #expect(consumed == 0)
        #expect(decode("GET / HTTP/1.1\r\n\r\n", framing: .contentLength(0)) == decoded("", consumed: 0))
    }

    @Test func consumesNothingFromEmptyInput() throws {
        var decoder = BodyDecoder(framing: .contentLength(5))
        let consumed = try [UInt8]().withUnsafeBytes { try decoder.decode($0) { _ in Issue.record("no data expected") } }
        #expect(consumed == 0)
        #expect(decoder.isComplete == false)
        #expect(decoder.bytesDecoded == 0)
    }

    @Test func countsBytesDecodedForContentLength() throws {
        var decoder = BodyDecoder(framing: .contentLength(8))
        _ = try Array("abc".utf8).withUnsafeBytes { try decoder.decode($0) { _ in } }
        #expect(decoder.bytesDecoded == 3)
        _ = try Array("defghXYZ".utf8).withUnsafeBytes { try decoder.decode($0) { _ in } }
        #expect(decoder.bytesDecoded == 8)
        #expect(decoder.isComplete)
    }

    // MARK: - Chunked

    @Test func dechunksChunkedBodies() {
        let body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        #expect(decode(body, framing: .chunked) == decoded("hello world", consumed: body.utf8.count))
    }

    @Test func leavesPipelinedBytesAfterChunkedBody() {
        let body = "5\r\nhello\r\n0\r\nX: y\r\n\r\n"
        #expect(decode(body + "POST / HTTP/1.1\r\n", framing: .chunked) == decoded("hello", consumed: body.utf8.count))
    }

    @Test func countsDechunkedBytesDecoded() throws {
        var decoder = BodyDecoder(framing: .chunked)
        _ = try Array("5\r\nhel".utf8).withUnsafeBytes { try decoder.decode($0) { _ in } }
        #expect(decoder.bytesDecoded == 3)
        _ = try Array("lo\r\n3\r\nabc\r\n0\r\n\r\n".utf8).withUnsafeBytes { try decoder.decode($0) { _ in } }
        #expect(decoder.bytesDecoded == 8)
        #expect(decoder.isComplete)
    }

    @Test func reportsChunkedFramingErrors() {
        #expect(decode("5\nhello\r\n0\r\n\r\n", framing: .chunked) == .failure(.invalidChunkSize))
        #expect(decode("5\r\nhello\n0\r\n\r\n", framing: .chunked) == .failure(.invalidChunkFraming))
    }

    @Test func appliesItsLimitsToChunkLines() {
        let body = "5;" + String(repeating: "e", count: 20) + "\r\nhello\r\n0\r\n\r\n"
        #expect(decode(body, framing: .chunked, limits: HTTPLimits(maxChunkLineBytes: 8)) == .failure(.invalidChunkSize))
        #expect(decode(body, framing: .chunked) == decoded("hello", consumed: body.utf8.count))
    }

    // MARK: - A connection's view

    @Test func readsPipelinedRequestsOneAfterAnother() throws {
        let stream = Array((
            "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
        ).utf8)
        var requests: [(target: String, body: String)] = []
        var rest = stream[...]
        while !rest.isEmpty {
            let end = try #require(rest.indices.first { rest[$0...].starts(with: "\r\n\r\n".utf8) }) + 4
            let head = try RequestHeadParser.parse(Array(rest[..<end]))
            rest = rest[end...]
            let body = try decodeBody([rest], with: BodyDecoder(framing: head.framing)).get()
            #expect(body.isComplete)
            requests.append((head.target, String(decoding: body.data, as: UTF8.self)))
            rest = rest.dropFirst(body.consumed)
        }
        #expect(requests.map(\.target) == ["/a", "/b", "/c"])
        #expect(requests.map(\.body) == ["hello", "abc", ""])
    }
}
