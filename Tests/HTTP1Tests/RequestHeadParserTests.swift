import HTTP1
import Testing

/// Parses `lines` joined by CRLF, as a head ends: with an empty line (`CRLF CRLF`).
private func parseHead(_ lines: String...) throws(HTTPParseError) -> RequestHead {
    try RequestHeadParser.parse(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8))
}

/// Parses `text` as is, so a test can spell out a broken line ending.
private func parseRaw(_ text: String) throws(HTTPParseError) -> RequestHead {
    try RequestHeadParser.parse(Array(text.utf8))
}

@Suite struct RequestHeadParserTests {
    // MARK: - Valid heads

    @Test func parsesRequestLineAndFieldsInOrder() throws {
        let head = try parseHead("POST /v1.0/log_file_from_user/ HTTP/1.1", "Host: example.test", "X-One: 1", "x-two: 2")
        #expect(head.method == "POST")
        #expect(head.target == "/v1.0/log_file_from_user/")
        #expect(head.minorVersion == 1)
        #expect(head.headers.map(\.name) == ["Host", "X-One", "x-two"])
        #expect(head.headers.map(\.value) == ["example.test", "1", "2"])
    }

    @Test func keepsMethodCaseAsSent() throws {
        let head = try parseHead("get / HTTP/1.1", "Host: a")
        #expect(head.method == "get")
    }

    @Test func parsesFromARawBufferLikeFromAnArray() throws {
        let bytes = Array("GET /a?b HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n".utf8)
        let head = try bytes.withUnsafeBytes { try RequestHeadParser.parse($0) }
        #expect(head.target == "/a?b")
        #expect(head.value(of: "x") == "y")
    }

    @Test func looksUpFieldNamesIgnoringCase() throws {
        let head = try parseHead("GET / HTTP/1.1", "HOST: a", "Content-TYPE: text/plain", "authorization: Bearer t")
        #expect(head.value(of: "host") == "a")
        #expect(head.value(of: "content-type") == "text/plain")
        #expect(head.value(of: "authorization") == "Bearer t")
        #expect(head.value(of: "missing") == nil)
    }

    @Test func returnsTheFirstOfRepeatedFields() throws {
        let head = try parseHead("GET / HTTP/1.1", "Host: a", "X-Dup: first", "X-Dup: second")
        #expect(head.value(of: "x-dup") == "first")
        #expect(head.headers.filter { $0.name == "X-Dup" }.count == 2)
    }

    @Test func trimsOptionalWhitespaceAroundFieldValues() throws {
        let head = try parseHead("GET / HTTP/1.1", "Host:a", "X-Spaces:   inner  value \t ", "X-Tab:\tv")
        #expect(head.value(of: "host") == "a")
        #expect(head.value(of: "x-spaces") == "inner  value")
        #expect(head.value(of: "x-tab") == "v")
    }

    @Test func acceptsEmptyFieldValues() throws {
        let head = try parseHead("GET / HTTP/1.1", "Host: a", "X-Empty:", "X-Blank:  \t ")
        #expect(head.value(of: "x-empty") == "")
        #expect(head.value(of: "x-blank") == "")
    }

    @Test func repairsInvalidUTF8InFieldValues() throws {
        var bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Bytes: a".utf8)
        bytes += [0xFF, 0x62] + Array("\r\nX-Utf8: \u{E9}t\u{E9}\r\n\r\n".utf8)
        let head = try RequestHeadParser.parse(bytes)
        #expect(head.value(of: "x-bytes") == "a\u{FFFD}b")
        #expect(head.value(of: "x-utf8") == "\u{E9}t\u{E9}")
    }

    @Test func acceptsHTTP10WithoutHost() throws {
        let head = try parseHead("GET / HTTP/1.0")
        #expect(head.minorVersion == 0)
        #expect(head.value(of: "host") == nil)
    }

    // MARK: Connection

    @Test func keepsHTTP11ConnectionsAliveByDefault() throws {
        #expect(try parseHead("GET / HTTP/1.1", "Host: a").keepAlive)
        #expect(try parseHead("GET / HTTP/1.1", "Host: a", "Connection: keep-alive").keepAlive)
    }

    @Test(arguments: ["close", "Close", "CLOSE", "keep-alive, close", "upgrade ,\tclose ", "close, te"])
    func closesHTTP11ConnectionsThatAskForIt(connection: String) throws {
        #expect(try parseHead("GET / HTTP/1.1", "Host: a", "Connection: \(connection)").keepAlive == false)
    }

    @Test func doesNotMistakeOtherConnectionOptionsForClose() throws {
        #expect(try parseHead("GET / HTTP/1.1", "Host: a", "Connection: closed, xclose").keepAlive)
    }

    @Test func closesEveryHTTP10Connection() throws {
        #expect(try parseHead("GET / HTTP/1.0").keepAlive == false)
        #expect(try parseHead("GET / HTTP/1.0", "Connection: keep-alive").keepAlive == false)
    }

    // MARK: Expect

    @Test func notesExpect100ContinueInAnyCase() throws {
        #expect(try parseHead("POST / HTTP/1.1", "Host: a", "Expect: 100-continue").expectsContinue)
        #expect(try parseHead("POST / HTTP/1.1", "Host: a", "expect:  100-Continue ").expectsContinue)
    }

    @Test func ignoresOtherExpectationsAndItsAbsence() throws {
        #expect(try parseHead("POST / HTTP/1.1", "Host: a").expectsContinue == false)
        #expect(try parseHead("POST / HTTP/1.1", "Host: a", "Expect: 200-ok").expectsContinue == false)
    }

    @Test func ignoresExpect100ContinueFromHTTP10Clients() throws {
        // RFC 9110 §10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0 request.
        #expect(try parseHead("POST / HTTP/1.0", "Expect: 100-continue").expectsContinue == false)
    }

    // MARK: Framing

    @Test func framesByContentLength() throws {
        let head = try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 1234")
        #expect(head.framing == .contentLength(1234))
        #expect(head.hasNoBody == false)
    }

    @Test func trimsWhitespaceAroundContentLength() throws {
        #expect(try parseHead("POST / HTTP/1.1", "Host: a", "content-length: \t 42 ").framing == .contentLength(42))
    }

    @Test func acceptsEighteenDigitContentLength() throws {
        let head = try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 999999999999999999")
        #expect(head.framing == .contentLength(999_999_999_999_999_999))
    }

    @Test func hasNoBodyWithoutFramingFieldsOrWithZeroLength() throws {
        let none = try parseHead("GET / HTTP/1.1", "Host: a")
        #expect(none.framing == .contentLength(0))
        #expect(none.hasNoBody)
        #expect(try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 0").hasNoBody)
        #expect(try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 000").framing == .contentLength(0))
    }

    @Test(arguments: ["chunked", "Chunked", "CHUNKED", " chunked\t"])
    func framesByChunkedTransferEncoding(value: String) throws {
        let head = try parseHead("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: \(value)")
        #expect(head.framing == .chunked)
        #expect(head.hasNoBody == false)
    }

    // MARK: Target

    @Test func splitsTargetIntoPathAndQuery() throws {
        let head = try parseHead("GET /content/a.png?x=1&y=%20 HTTP/1.1", "Host: a")
        #expect(head.path == "/content/a.png")
        #expect(head.query == "x=1&y=%20")
    }

    @Test func hasNoQueryWithoutQuestionMark() throws {
        let head = try parseHead("GET /content/a.png HTTP/1.1", "Host: a")
        #expect(head.path == "/content/a.png")
        #expect(head.query == nil)
    }

    @Test func splitsAtTheFirstQuestionMarkOnly() throws {
        let head = try parseHead("GET /a?b?c HTTP/1.1", "Host: a")
        #expect(head.path == "/a")
        #expect(head.query == "b?c")
        let empty = try parseHead("GET /a? HTTP/1.1", "Host: a")
        #expect(empty.path == "/a")
        #expect(empty.query == "")
    }

    @Test func keepsAbsoluteFormAndAsteriskTargetsAsSent() throws {
        #expect(try parseHead("GET http://a/b?c HTTP/1.1", "Host: a").target == "http://a/b?c")
        #expect(try parseHead("OPTIONS * HTTP/1.1", "Host: a").path == "*")
    }

    // MARK: - invalidLineEnding

    @Test func rejectsBareLineFeedAfterRequestLine() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET / HTTP/1.1\nHost: a\r\n\r\n") }
    }

    @Test func rejectsBareLineFeedInFieldLine() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n") }
    }

    @Test func rejectsBareLineFeedAsTheEmptyLine() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET / HTTP/1.1\r\nHost: a\r\n\n") }
    }

    @Test func rejectsHeadStartingWithLineFeed() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") }
    }

    @Test func rejectsBareCarriageReturnInsideFieldLine() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n") }
    }

    @Test func rejectsBareCarriageReturnInsideRequestLine() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n") }
    }

    @Test func rejectsDoubledCarriageReturnBeforeLineFeed() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n") }
    }

    @Test func rejectsHeadWhoseLastLineHasNoLineEnding() {
        #expect(throws: HTTPParseError.invalidLineEnding) { try parseRaw("GET / HTTP/1.1\r\nHost: a") }
    }

    // MARK: - invalidRequestLine

    @Test(arguments: [
        "",                         // a head that starts with its empty line
        "GET",                      // no target, no version
        "GET /",                    // no version
        "GET  / HTTP/1.1",          // empty target between two spaces
        " GET / HTTP/1.1",          // empty method
        "GET / HTTP/1.1 ",          // trailing space
        "GET / http/1.1",           // version name is case-sensitive (RFC 9112 §2.3)
        "GET / HTTP/1.10",
        "GET / HTTP/11",
        "GET / HTTP/1,1",
        "GET / HTTP/x.1",
        "GET / HTTP/1.y",
        "GET / HTTPS/1.1",
        "G(T / HTTP/1.1",           // method not a token
        "GET /a\u{7F} HTTP/1.1",    // DEL in target
        "GET /\u{E9} HTTP/1.1",     // non-ASCII in target
        "GET /a\tb HTTP/1.1",       // HTAB in target
        "GET\t/\tHTTP/1.1",          // HTAB instead of SP
    ])
    func rejectsMalformedRequestLine(requestLine: String) {
        #expect(throws: HTTPParseError.invalidRequestLine) { try parseRaw(requestLine + "\r\nHost: a\r\n\r\n") }
    }

    @Test func rejectsEmptyHead() {
        #expect(throws: HTTPParseError.invalidRequestLine) { try parseRaw("") }
        #expect(throws: HTTPParseError.invalidRequestLine) { try parseRaw("\r\n\r\n") }
    }

    @Test func rejectsControlByteInTarget() {
        #expect(throws: HTTPParseError.invalidRequestLine) {
            try RequestHeadParser.parse(Array("GET /a".utf8) + [0x01] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        }
    }

    // MARK: - unsupportedVersion

    @Test(arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/9.9"])
    func rejectsVersionsOtherThan10And11(version: String) {
        #expect(throws: HTTPParseError.unsupportedVersion) { try parseHead("GET / \(version)", "Host: a") }
    }

    // MARK: - obsoleteLineFolding

    @Test func rejectsFieldLineStartingWithSpace() {
        #expect(throws: HTTPParseError.obsoleteLineFolding) {
            try parseHead("GET / HTTP/1.1", "Host: a", "X-Long: one", " two")
        }
    }

    @Test func rejectsFieldLineStartingWithTab() {
        #expect(throws: HTTPParseError.obsoleteLineFolding) {
            try parseHead("GET / HTTP/1.1", "Host: a", "X-Long: one", "\ttwo")
        }
    }

    @Test func rejectsWhitespaceBeforeTheFirstField() {
        #expect(throws: HTTPParseError.obsoleteLineFolding) { try parseHead("GET / HTTP/1.1", " Host: a") }
    }

    // MARK: - invalidHeaderField

    @Test func rejectsWhitespaceBeforeColon() {
        // RFC 9112 §5.1: a server MUST reject it (a smuggling vector).
        #expect(throws: HTTPParseError.invalidHeaderField) { try parseHead("GET / HTTP/1.1", "Host : a") }
        #expect(throws: HTTPParseError.invalidHeaderField) { try parseHead("GET / HTTP/1.1", "Host: a", "X\t: b") }
    }

    @Test func rejectsFieldLineWithoutColon() {
        #expect(throws: HTTPParseError.invalidHeaderField) { try parseHead("GET / HTTP/1.1", "Host: a", "NoColonHere") }
    }

    @Test func rejectsEmptyFieldName() {
        #expect(throws: HTTPParseError.invalidHeaderField) { try parseHead("GET / HTTP/1.1", "Host: a", ": value") }
    }

    @Test(arguments: ["X@Y", "X(Y)", "X/Y", "X[Y]", "X{Y}", "X\"Y", "X\u{E9}"])
    func rejectsFieldNameThatIsNotAToken(name: String) {
        #expect(throws: HTTPParseError.invalidHeaderField) { try parseHead("GET / HTTP/1.1", "Host: a", "\(name): v") }
    }

    @Test(arguments: [UInt8(0x00), 0x01, 0x08, 0x0B, 0x1F, 0x7F])
    func rejectsControlByteInFieldValue(byte: UInt8) {
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX: a".utf8) + [byte] + Array("b\r\n\r\n".utf8)
        #expect(throws: HTTPParseError.invalidHeaderField) { try RequestHeadParser.parse(bytes) }
    }

    // MARK: - invalidHost

    @Test func rejectsHTTP11RequestWithoutHost() {
        #expect(throws: HTTPParseError.invalidHost) { try parseHead("GET / HTTP/1.1", "X: y") }
    }

    @Test func rejectsHTTP11RequestWithTwoHosts() {
        #expect(throws: HTTPParseError.invalidHost) { try parseHead("GET / HTTP/1.1", "Host: a", "host: b") }
    }

    // MARK: - invalidContentLength

    @Test(arguments: ["", "abc", "-1", "+1", "1 2", "1,1", "0x10", "1.0", "1e3", "1234567890123456789", "\u{661}"])
    func rejectsContentLengthThatIsNotAPlainDecimal(value: String) {
        #expect(throws: HTTPParseError.invalidContentLength) {
            try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: \(value)")
        }
    }

    // MARK: - repeatedContentLength

    @Test func rejectsRepeatedContentLengthEvenWhenEqual() {
        #expect(throws: HTTPParseError.repeatedContentLength) {
            try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "content-length: 5")
        }
    }

    @Test func rejectsRepeatedContentLengthWhenOneIsInvalid() {
        #expect(throws: HTTPParseError.repeatedContentLength) {
            try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: x")
        }
    }

    // MARK: - contentLengthWithTransferEncoding

    @Test func rejectsContentLengthTogetherWithChunked() {
        #expect(throws: HTTPParseError.contentLengthWithTransferEncoding) {
            try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked")
        }
        #expect(throws: HTTPParseError.contentLengthWithTransferEncoding) {
            try parseHead("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 5")
        }
    }

    @Test func rejectsContentLengthTogetherWithAnyTransferEncoding() {
        #expect(throws: HTTPParseError.contentLengthWithTransferEncoding) {
            try parseHead("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: gzip")
        }
    }

    // MARK: - unsupportedTransferCoding

    @Test(arguments: [
        ["gzip"], ["gzip, chunked"], ["chunked, gzip"], ["chunked, chunked"], ["identity"], [""],
        ["gzip", "chunked"], ["chunked", "chunked"],
    ])
    func rejectsCodingsOtherThanChunkedAlone(transferEncodings: [String]) {
        #expect(throws: HTTPParseError.unsupportedTransferCoding) {
            try RequestHeadParser.parse(Array(
                ("POST / HTTP/1.1\r\nHost: a\r\n"
                    + transferEncodings.map { "Transfer-Encoding: \($0)\r\n" }.joined() + "\r\n").utf8))
        }
    }
}
