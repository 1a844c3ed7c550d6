import HaptikTestSupport
import Multipart
import Testing

private let field = PartHeaders(name: "field")
private let file = PartHeaders(name: "file", filename: "a.bin", contentType: "application/octet-stream")

/// A body with one `field` part holding `content`, boundary "boundary".
private func fieldBody(_ content: String) -> [UInt8] {
    crlfLines("--boundary", "Content-Disposition: form-data; name=\"field\"", "", content + "\r\n--boundary--", "")
}

/// Parses `body` (boundary "boundary") at every split point, expecting one `field` part holding `content`.
private func expectFieldContent(
    _ content: String, in body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(expectSameEventsAtEverySplit(body, boundary: "boundary", sourceLocation: sourceLocation)
        == .success(partEvents(field, content)), sourceLocation: sourceLocation)
}

/// Parses `body` at every split point, expecting `error` every time.
private func expectFailure(
    _ error: MultipartError, parsing body: [UInt8], boundary: String = "boundary",
    limits: MultipartLimits = MultipartLimits(), sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(expectSameEventsAtEverySplit(body, boundary: boundary, limits: limits, sourceLocation: sourceLocation)
        == .failure(error), sourceLocation: sourceLocation)
}

@Suite struct MultipartParserTests {
    // MARK: - Well-formed bodies

    @Test func parsesFieldsAndFileInOrder() {
        let body = crlfLines(
            "--boundary",
            "Content-Disposition: form-data; name=\"field\"",
            "",
            "value",
            "--boundary",
            "Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\"",
            "Content-Type: application/octet-stream",
            "",
            "\u{0}\u{1}binary\u{FF}",
            "--boundary--",
            "")
        #expect(expectSameEventsAtEverySplit(body, boundary: "boundary")
            == .success(partEvents(field, "value") + partEvents(file, "\u{0}\u{1}binary\u{FF}")))
    }

    @Test func reportsEmptyPartWithoutBytes() {
        expectFieldContent("", in: fieldBody(""))
    }

    @Test func keepsLineBreaksInsideContent() {
        expectFieldContent("\r\n\r\nline\r\n\r\n", in: fieldBody("\r\n\r\nline\r\n\r\n"))
    }

    @Test func acceptsBodyWithoutParts() {
        #expect(expectSameEventsAtEverySplit(crlfLines("--boundary--", ""), boundary: "boundary") == .success([]))
    }

    @Test func findsBodyStartingDirectlyWithDelimiter() {
        let body = fieldBody("x")
        #expect(body.starts(with: "--boundary\r\n".utf8))
        expectFieldContent("x", in: body)
    }

    @Test func ignoresPreamble() {
        let body = crlfLines("This is the preamble.", "--boundar", "x--boundary", "") + fieldBody("x")
        expectFieldContent("x", in: body)
    }

    @Test func ignoresPreambleEndingInCarriageReturns() {
        expectFieldContent("x", in: Array("preamble\r\r\r".utf8) + Array("\n".utf8) + fieldBody("x"))
    }

    @Test func ignoresEpilogue() {
        let body = fieldBody("x") + crlfLines("epilogue", "--boundary", "Content-Disposition: form-data; name=\"late\"",
                                              "", "ignored", "--boundary--")
        expectFieldContent("x", in: body)
    }

    @Test func acceptsMissingFinalCRLF() {
        expectFieldContent("x", in: crlfLines("--boundary", "Content-Disposition: form-data; name=\"field\"", "",
                                              "x", "--boundary--"))
    }

    @Test func acceptsTransportPaddingAfterDelimiter() {
        let body = crlfLines("--boundary \t ", "Content-Disposition: form-data; name=\"field\"", "", "x",
                             "--boundary\t", "Content-Disposition: form-data; name=\"field\"", "", "y",
                             "--boundary-- \t", "")
        #expect(expectSameEventsAtEverySplit(body, boundary: "boundary")
            == .success(partEvents(field, "x") + partEvents(field, "y")))
    }

    @Test func acceptsBoundaryWithSpacesAndPunctuation() {
        let boundary = "'()+_,-./:=? x"
        let body = crlfLines("--\(boundary)", "Content-Disposition: form-data; name=\"field\"", "", "x",
                             "--\(boundary)--", "")
        #expect(expectSameEventsAtEverySplit(body, boundary: boundary) == .success(partEvents(field, "x")))
    }

    @Test func acceptsSeventyByteBoundary() {
        let boundary = String(repeating: "b", count: 70)
        let body = crlfLines("--\(boundary)", "Content-Disposition: form-data; name=\"field\"", "", "x",
                             "--\(boundary)--", "")
        #expect(expectSameEventsAtEverySplit(body, boundary: boundary) == .success(partEvents(field, "x")))
    }

    @Test func acceptsOneByteBoundary() {
        let body = crlfLines("--x", "Content-Disposition: form-data; name=\"field\"", "", "-x--x\r\n-x", "--x--")
        #expect(expectSameEventsAtEverySplit(body, boundary: "x") == .success(partEvents(field, "-x--x\r\n-x")))
    }

    // MARK: - Content that nearly contains the delimiter

    @Test(arguments: [
        "\r\n--bound",                       // a prefix of the delimiter
        "\r\n--boundar",                     // the longest prefix, then the real delimiter
        "\r\n--bound\r\n--boundar",
        "\r\n-boundary",                     // one dash
        "\n--boundary",                      // no CR
        "\r--boundary",                      // no LF
        "x--boundary--",
        "\r\n--Boundary",                    // the boundary is case-sensitive
        "\r\n--boundarx\r\n",
        "\r\r\r\n\n\n--",
        "\r",                                // CR as the content's last byte
        "\r\n",
        "\r\n-",
        "\r\n--",
        "line one\r\n--\r\nline two",
    ])
    func passesNearDelimitersThrough(content: String) {
        expectFieldContent(content, in: fieldBody(content))
    }

    @Test func keepsCarriageReturnBeforeRealDelimiterAsContent() {
        // `\r\r\n--boundary`: the delimiter is `\r\n--boundary`; the first CR belongs to the content.
        let body = crlfLines("--boundary", "Content-Disposition: form-data; name=\"field\"", "", "abc\r")
            + Array("\r\n--boundary--".utf8)
        expectFieldContent("abc\r", in: body)
    }

    @Test func handlesBoundaryLikeLinesInText() {
        let content = "text --boundary is not at a line start here: x--boundary\r\n --boundary\r\n\t--boundary"
        expectFieldContent(content, in: fieldBody(content))
    }

    @Test func handlesCarriageReturnAsTheLastByteOfAPiece() throws {
        let body = fieldBody("abc\r\r\nxyz")
        let cut = try #require(body.firstIndex(of: UInt8(ascii: "c"))) + 1
        for pieces in [[body[..<(cut + 1)], body[(cut + 1)...]], [body[..<(cut + 2)], body[(cut + 2)...]],
                       [body[..<(cut + 1)], body[(cut + 1)..<(cut + 2)], body[(cut + 2)...]]] {
            #expect(pieces.first?.last == 0x0D)
            #expect(parseMultipart(pieces, boundary: "boundary") == .success(partEvents(field, "abc\r\r\nxyz")))
        }
    }

    @Test func findsDelimiterSplitAcrossManyTinyPieces() {
        let body = fieldBody("abc")
        #expect(parseMultipart(body.map { [$0][...] }, boundary: "boundary") == .success(partEvents(field, "abc")))
    }

    @Test func passesLargeFileContentWithNearDelimitersThrough() {
        var generator = SeededRandomNumberGenerator(seed: 7)
        var content: [UInt8] = []
        while content.count < 256 * 1024 {
            if Bool.random(using: &generator) {
                content += Array("\r\n--boundar".utf8.prefix(Int.random(in: 1...11, using: &generator)))
            }
            content += (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
        }
        while let delimiter = content.firstRange(of: Array("\r\n--boundary".utf8)) {
            content[delimiter.upperBound - 1] = UInt8(ascii: "Y")   // keep it a near miss
        }
        let body = crlfLines("--boundary", "Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\"",
                             "Content-Type: application/octet-stream", "", "") + content + Array("\r\n--boundary--\r\n".utf8)
        var pieces: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + Int.random(in: 1...5_000, using: &generator))
            pieces.append(body[offset..<end])
            offset = end
        }
        // Compared outside #expect, which would print both quarter-megabyte arrays on failure.
        let expected: Result<[MultipartEvent], MultipartError> = .success(partEvents(file, content))
        let whole = parseMultipart([body[...]], boundary: "boundary")
        #expect(whole == expected, "whole: \(whole.map { $0.count })")
        let chunked = parseMultipart(pieces, boundary: "boundary")
        #expect(chunked == expected, "in \(pieces.count) pieces: \(chunked.map { $0.count })")
    }

    // MARK: - Truncated and foreign bodies

    @Test(arguments: [
        "",
        "preamble only\r\n",
        "--boundary",
        "--boundary\r",
        "--boundary\r\n",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\n",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--bound",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--boundary",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--boundary-",
        "--boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--boundary\r\n",
    ])
    func finishThrowsTruncatedBeforeCloseDelimiter(body: String) {
        expectFailure(.truncated, parsing: Array(body.utf8))
    }

    @Test func treatsBodyWithForeignBoundaryAsTruncated() {
        let body = crlfLines("--other", "Content-Disposition: form-data; name=\"field\"", "", "x", "--other--", "")
        expectFailure(.truncated, parsing: body)
    }

    @Test func rejectsDelimiterFollowedByOtherText() {
        // RFC 2046 §5.1.1: the boundary must not appear in content, so `--boundaryX` is a bad delimiter line.
        let body = crlfLines("--boundary2", "Content-Disposition: form-data; name=\"field\"", "", "x", "--boundary2--")
        expectFailure(.malformedDelimiter, parsing: body)
        expectFailure(.malformedDelimiter, parsing: fieldBody("a\r\n--boundaryX"))
    }

    @Test func rejectsBareLineFeedAfterDelimiter() {
        let body = Array("--boundary\nContent-Disposition: form-data; name=\"field\"\r\n\r\nx\r\n--boundary--".utf8)
        expectFailure(.malformedDelimiter, parsing: body)
    }

    @Test(arguments: ["--boundary\r\r\n", "--boundary \rx", "--boundary -", "--boundary-x", "--boundary\t\n"])
    func rejectsMalformedDelimiterLine(start: String) {
        expectFailure(.malformedDelimiter, parsing: Array(start.utf8) + fieldBody("x"))
    }

    // MARK: - Bad part headers

    @Test func rejectsBareLineFeedBetweenPartHeaders() {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(
            ["Content-Disposition: form-data; name=\"field\"\nContent-Type: text/plain"]))
    }

    @Test func rejectsBareLineFeedEndingLastPartHeader() {
        let body = Array("--boundary\r\nContent-Disposition: form-data; name=\"field\"\n\r\n\r\nv\r\n--boundary--".utf8)
        expectFailure(.malformedPartHeaders, parsing: body)
    }

    @Test func rejectsPartHeaderWithoutColon() {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(
            ["Content-Disposition: form-data; name=\"field\"", "NoColonHere"]))
    }

    @Test func rejectsPartHeaderNameWithWhitespaceInside() {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(
            ["Content Disposition: form-data; name=\"field\""]))
    }

    @Test func rejectsEmptyPartHeaderName() {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(
            ["Content-Disposition: form-data; name=\"field\"", ": value"]))
    }

    @Test func rejectsBareCarriageReturnInPartHeader() {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(
            ["Content-Disposition: form-data; name=\"field\"\rX-Other: y"]))
    }

    @Test func rejectsNulInPartHeader() {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(
            ["Content-Disposition: form-data; name=\"fi\u{0}eld\""]))
    }

    @Test(arguments: [
        "form-data; name=\"field", "form-data; name", "form-data; name=", "form-data name=\"field\"",
        "form-data; =\"field\"", "; name=\"field\"",
    ])
    func rejectsMalformedContentDisposition(value: String) {
        expectFailure(.malformedPartHeaders, parsing: bodyWithPartHeaders(["Content-Disposition: \(value)"]))
    }

    @Test func rejectsPartHeadersThatNeverEndWithABlankLine() {
        // With bare LFs the blank line (CRLF CRLF) is never found: the body runs out first.
        let body = Array("--boundary\r\nContent-Disposition: form-data; name=\"field\"\n\nv\r\n--boundary--\r\n".utf8)
        expectFailure(.truncated, parsing: body)
    }

    // MARK: - Missing Content-Disposition

    @Test func rejectsPartWithoutHeaders() {
        expectFailure(.missingContentDisposition, parsing: bodyWithPartHeaders([]))
    }

    @Test func rejectsPartWithOnlyContentType() {
        expectFailure(.missingContentDisposition, parsing: bodyWithPartHeaders(["Content-Type: text/plain"]))
    }

    @Test(arguments: ["attachment; name=\"field\"", "form-data", "form-data; filename=\"a.txt\"", "inline"])
    func rejectsContentDispositionWithoutFormDataName(value: String) {
        expectFailure(.missingContentDisposition, parsing: bodyWithPartHeaders(["Content-Disposition: \(value)"]))
    }

    @Test func rejectsSecondPartWithoutContentDisposition() {
        let body = crlfLines("--boundary", "Content-Disposition: form-data; name=\"field\"", "", "x",
                             "--boundary", "Content-Type: text/plain", "", "y", "--boundary--")
        expectFailure(.missingContentDisposition, parsing: body)
    }

    // MARK: - Header size limit

    @Test func rejectsPartHeadersOverTheLimit() {
        let limits = MultipartLimits(maxPartHeaderBytes: 64)
        let body = bodyWithPartHeaders(["Content-Disposition: form-data; name=\"field\"",
                                        "X-Padding: " + String(repeating: "p", count: 100)])
        expectFailure(.partHeadersTooLarge, parsing: body, limits: limits)
    }

    @Test func rejectsEndlessPartHeadersWithoutWaitingForTheEnd() throws {
        let limits = MultipartLimits(maxPartHeaderBytes: 64)
        let head = crlfLines("--boundary", "X: ") + Array(repeating: UInt8(ascii: "p"), count: 100)
        // No blank line and no finish(): the limit alone must stop it.
        var parser = try MultipartParser(boundary: "boundary", limits: limits)
        var handler = RecordingMultipartHandler()
        #expect(throws: MultipartError.partHeadersTooLarge) {
            try head.withUnsafeBytes { try parser.feed($0, to: &handler) }
        }
    }

    @Test func acceptsPartHeadersUpToTheLimit() {
        let limits = MultipartLimits(maxPartHeaderBytes: 64)
        let disposition = "Content-Disposition: form-data; name=\"field\""   // 44 bytes
        // The section, CRLFs and blank line included: 44 + 2 + 14 + 2 + 2 = 64 bytes.
        let body = bodyWithPartHeaders([disposition, "X: " + String(repeating: "p", count: 11)])
        #expect(expectSameEventsAtEverySplit(body, boundary: "boundary", limits: limits)
            == .success(partEvents(field, "v")))
    }

    @Test(arguments: 60...70)
    func appliesTheHeaderLimitTheSameAtEverySplit(sectionBytes: Int) {
        // Whatever the exact limit, a header section must not pass whole and fail when cut.
        let limits = MultipartLimits(maxPartHeaderBytes: 64)
        let disposition = "Content-Disposition: form-data; name=\"field\""
        // section = disposition CRLF "X: " padding CRLF CRLF
        let padding = String(repeating: "p", count: sectionBytes - disposition.utf8.count - 2 - 3 - 4)
        let body = bodyWithPartHeaders([disposition, "X: " + padding])
        expectSameEventsAtEverySplit(body, boundary: "boundary", limits: limits)
    }

    @Test func rejectsPartHeadersOverTheDefaultLimit() {
        let body = bodyWithPartHeaders(["Content-Disposition: form-data; name=\"field\"",
                                        "X-Padding: " + String(repeating: "p", count: 17_000)])
        let pieces = stride(from: 0, to: body.count, by: 1_000).map { body[$0..<min(body.count, $0 + 1_000)] }
        #expect(parseMultipart([body[...]], boundary: "boundary") == .failure(.partHeadersTooLarge))
        #expect(parseMultipart(pieces, boundary: "boundary") == .failure(.partHeadersTooLarge))
    }

    @Test func acceptsLargePartHeadersUnderTheDefaultLimit() {
        let padding = String(repeating: "p", count: 16_000)
        let body = bodyWithPartHeaders(["Content-Disposition: form-data; name=\"field\"", "X-Padding: " + padding])
        let pieces = stride(from: 0, to: body.count, by: 999).map { body[$0..<min(body.count, $0 + 999)] }
        #expect(parseMultipart([body[...]], boundary: "boundary") == .success(partEvents(field, "v")))
        #expect(parseMultipart(pieces, boundary: "boundary") == .success(partEvents(field, "v")))
    }

    // MARK: - The parser's own API

    @Test(arguments: ["", String(repeating: "b", count: 71), "trailing ", "a@b", "caf\u{E9}", "a\"b", "a\r\nb"])
    func refusesInvalidBoundary(boundary: String) {
        #expect(throws: MultipartError.invalidBoundary) { try MultipartParser(boundary: boundary) }
    }

    @Test func isCompleteOnlyAfterCloseDelimiter() throws {
        var parser = try MultipartParser(boundary: "boundary")
        var handler = RecordingMultipartHandler()
        let body = fieldBody("x")
        try body.dropLast(3).withUnsafeBytes { try parser.feed($0, to: &handler) }
        #expect(parser.isComplete == false)
        #expect(throws: MultipartError.truncated) { try parser.finish() }
        try body.suffix(3).withUnsafeBytes { try parser.feed($0, to: &handler) }
        #expect(parser.isComplete)
        try parser.finish()
    }

    @Test func ignoresBytesFedAfterTheEpilogueStarts() throws {
        var parser = try MultipartParser(boundary: "boundary")
        var handler = RecordingMultipartHandler()
        try fieldBody("x").withUnsafeBytes { try parser.feed($0, to: &handler) }
        try Array("\r\n--boundary\r\nnot: headers\n\n".utf8).withUnsafeBytes { try parser.feed($0, to: &handler) }
        try parser.finish()
        #expect(handler.events == partEvents(field, "x"))
    }

    @Test func propagatesErrorsThrownByTheHandler() throws {
        struct Refused: Error, Equatable {}
        struct RefusingHandler: MultipartHandler {
            var started = 0
            mutating func partStarted(_ headers: PartHeaders) throws {
                started += 1
                if headers.name == "file" { throw Refused() }
            }
            func partBytes(_ bytes: UnsafeRawBufferPointer) {}
            func partEnded() {}
        }
        var parser = try MultipartParser(boundary: "boundary")
        var handler = RefusingHandler()
        let body = crlfLines("--boundary", "Content-Disposition: form-data; name=\"field\"", "", "x",
                             "--boundary", "Content-Disposition: form-data; name=\"file\"", "", "y", "--boundary--")
        #expect(throws: Refused()) { try body.withUnsafeBytes { try parser.feed($0, to: &handler) } }
        #expect(handler.started == 2)
    }

    @Test func handsPartBytesOverAsTheyArriveKeepingOnlyAPossibleDelimiter() throws {
        struct CountingHandler: MultipartHandler {
            var received = 0
            func partStarted(_ headers: PartHeaders) {}
            mutating func partBytes(_ bytes: UnsafeRawBufferPointer) { received += bytes.count }
            func partEnded() {}
        }
        var parser = try MultipartParser(boundary: "boundary")
        var handler = CountingHandler()
        let head = crlfLines("--boundary", "Content-Disposition: form-data; name=\"file\"", "", "")
        try head.withUnsafeBytes { try parser.feed($0, to: &handler) }
        try Array(repeating: UInt8(ascii: "x"), count: 10_000).withUnsafeBytes { try parser.feed($0, to: &handler) }
        #expect(handler.received == 10_000)
        try Array("abc\r\n--bou".utf8).withUnsafeBytes { try parser.feed($0, to: &handler) }
        #expect(handler.received == 10_003)   // "\r\n--bou" may begin the delimiter: held back
        try Array("rne".utf8).withUnsafeBytes { try parser.feed($0, to: &handler) }
        #expect(handler.received == 10_013)   // "\r\n--bourne" cannot: released
    }
}
