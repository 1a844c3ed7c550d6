import HaptikTestSupport
import Testing

/// HTTP/1.1 strictness and routing (CONTRACT §3, §4 "Routing"), over real sockets: framing errors
/// are answered and close the connection; unknown routes answer JSON.
@Suite struct HTTPFramingTests {
    /// Sends `bytes` on a new connection, reads one answer, then expects the server to close.
    private func answerThenClose(_ server: TestServer, _ bytes: [UInt8],
                                 sourceLocation: SourceLocation = #_sourceLocation) throws -> RawResponse {
        let client = try server.connect(timeout: 5)
        try client.send(bytes)
        let response = try client.readResponse()
        #expect(response.closesConnection, sourceLocation: sourceLocation)
        let rest = try client.readUntilEnd()
        #expect(rest.bytes.isEmpty, "\(rest.bytes.count) more bytes after the answer", sourceLocation: sourceLocation)
        #expect(rest.end == .closed, sourceLocation: sourceLocation)
        return response
    }

    private func uploadHead(_ server: TestServer, extra: [(name: String, value: String)]) -> [UInt8] {
        RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("Host", server.host), ("Authorization", TestFixtures.bearer), ("client-id", TestFixtures.clientID),
            ("Content-Type", "multipart/form-data; boundary=B"),
        ] + extra)
    }

    @Test func bareLineFeedHeadIsAnswered400AndClosed() throws {
        let server = try TestServer.start()
        let response = try answerThenClose(server, Array("GET /__admin/health HTTP/1.1\nHost: x\n\n".utf8))
        expectError(response, status: 400)
    }

    @Test func bareLineFeedInOneFieldLineIsAnswered400() throws {
        let server = try TestServer.start()
        let response = try answerThenClose(server, Array("GET /__admin/health HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n".utf8))
        expectError(response, status: 400)
    }

    @Test func obsoleteLineFoldingIsAnswered400() throws {
        let server = try TestServer.start()
        let bytes = Array("GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  continued\r\n\r\n".utf8)
        expectError(try answerThenClose(server, bytes), status: 400)
    }

    @Test func twoContentLengthsAreAnswered400() throws {
        let server = try TestServer.start()
        let head = uploadHead(server, extra: [("Content-Length", "5"), ("Content-Length", "5")])
        expectError(try answerThenClose(server, head + Array("hello".utf8)), status: 400)
        expectStorageEmpty(server)
    }

    @Test(arguments: ["abc", "-1", "1 2", "0x10", "+5", ""])
    func invalidContentLengthIsAnswered400(value: String) throws {
        let server = try TestServer.start()
        let head = uploadHead(server, extra: [("Content-Length", value)])
        expectError(try answerThenClose(server, head), status: 400)
        expectStorageEmpty(server)
    }

    @Test func contentLengthWithTransferEncodingIsAnswered400() throws {
        let server = try TestServer.start()
        let head = uploadHead(server, extra: [("Content-Length", "5"), ("Transfer-Encoding", "chunked")])
        expectError(try answerThenClose(server, head + Array("0\r\n\r\n".utf8)), status: 400)
        expectStorageEmpty(server)
    }

    @Test(arguments: ["gzip", "gzip, chunked", "deflate"])
    func otherTransferCodingsAreAnswered501(coding: String) throws {
        let server = try TestServer.start()
        let head = uploadHead(server, extra: [("Transfer-Encoding", coding)])
        expectError(try answerThenClose(server, head), status: 501)
        expectStorageEmpty(server)
    }

    @Test func malformedChunkSizeIsAnswered400() throws {
        let server = try TestServer.start()
        let head = uploadHead(server, extra: [("Transfer-Encoding", "chunked")])
        expectError(try answerThenClose(server, head + Array("zz\r\nabc\r\n0\r\n\r\n".utf8)), status: 400)
        expectStorageEmpty(server)
    }

    @Test func headOver64KiBIsAnswered431AndClosed() throws {
        let server = try TestServer.start()
        var head = "GET /__admin/health HTTP/1.1\r\nHost: x\r\n"
        while head.utf8.count <= 70_000 { head += "X-Filler: \(String(repeating: "f", count: 1000))\r\n" }
        // No blank line: the server must give up on size alone.
        let response = try answerThenClose(server, Array(head.utf8))
        expectError(response, status: 431)
    }

    @Test func headJustUnder64KiBIsServed() throws {
        let server = try TestServer.start()
        var head = "GET /__admin/health HTTP/1.1\r\nHost: x\r\n"
        while head.utf8.count < 60_000 { head += "X-Filler: \(String(repeating: "f", count: 1000))\r\n" }
        let response = try server.send(RawRequest(head: Array((head + "\r\n").utf8), body: []))
        #expect(response.status == 200)
    }

    @Test func http11RequestWithoutHostIsAnswered400() throws {
        let server = try TestServer.start()
        expectError(try answerThenClose(server, Array("GET /__admin/health HTTP/1.1\r\n\r\n".utf8)), status: 400)
    }

    @Test(arguments: ["GARBAGE\r\n\r\n", "GET /__admin/health\r\nHost: x\r\n\r\n", "GET  /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n"])
    func malformedRequestLineIsAnswered400(request: String) throws {
        let server = try TestServer.start()
        let response = try answerThenClose(server, Array(request.utf8))
        #expect(response.status == 400)
    }

    @Test(arguments: ["GET", "PUT", "DELETE", "PATCH"])
    func otherMethodsOnTheUploadPathAre405WithAllowPost(method: String) throws {
        let server = try TestServer.start()
        let response = try server.send(RawRequest(
            head: RawRequest.head("\(method) /v1.0/log_file_from_user/ HTTP/1.1", [("Host", server.host)]), body: []))
        #expect(response.status == 405)
        #expect(response.header("Allow") == "POST")
        #expect(response.errorMessage != nil, "\(response.bodyText)")
    }

    @Test func postOnContentIs405WithAllowGet() throws {
        let server = try TestServer.start()
        let response = try server.send(RawRequest(
            head: RawRequest.head("POST /content/abc.png HTTP/1.1", [("Host", server.host), ("Content-Length", "3")]),
            body: Array("abc".utf8)))
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET")
    }

    @Test(arguments: ["/", "/unknown", "/v1.0/log_file_from_user", "/v1.0/log_file_from_user/extra", "/__admin/nothing"])
    func unknownPathsAre404Json(path: String) throws {
        let server = try TestServer.start()
        let response = try server.get(path)
        expectError(response, status: 404)
        #expect(!response.closesConnection)
    }

    @Test func unknownPathPostWithBodyIs404AndKeepsTheConnection() throws {
        let server = try TestServer.start()
        let client = try server.connect()
        try client.send(RawRequest.upload(.upload(), host: server.host, target: "/v2/upload").bytes)
        expectError(try client.readResponse(), status: 404)
        try client.send(RawRequest.get("/__admin/health", host: server.host).bytes)
        #expect(try client.readResponse().status == 200)
        expectStorageEmpty(server)
    }

    @Test func healthAnswersStatusOk() throws {
        let server = try TestServer.start()
        let response = try server.get("/__admin/health")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.bodyText == #"{"status":"ok"}"#)
        #expect(response.header("Date") != nil)
    }

    @Test func healthWithQueryStringAnswersStatusOk() throws {
        let server = try TestServer.start()
        let response = try server.get("/__admin/health?probe=1")
        #expect(response.status == 200)
        #expect(response.bodyText == #"{"status":"ok"}"#)
    }
}
