import HTTP1
import Testing

private let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Suite struct ResponseEncoderTests {
    @Test func writesKeepAliveHeadWithoutConnectionField() {
        var buffer: [UInt8] = []
        ResponseEncoder.appendHead(status: 200, contentType: "application/json", contentLength: 42, keepAlive: true,
                                   date: date, to: &buffer)
        #expect(text(buffer) == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "Content-Type: application/json\r\nContent-Length: 42\r\n\r\n")
    }

    @Test func writesConnectionCloseWhenNotKeepingAlive() {
        var buffer: [UInt8] = []
        ResponseEncoder.appendHead(status: 400, contentType: "application/json", contentLength: 0, keepAlive: false,
                                   date: date, to: &buffer)
        #expect(text(buffer) == "HTTP/1.1 400 Bad Request\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "Content-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func writesExtraHeadersInOrderBeforeConnection() {
        var buffer: [UInt8] = []
        ResponseEncoder.appendHead(status: 405, contentType: "application/json", contentLength: 2, keepAlive: false,
                                   date: date, extraHeaders: [("Allow", "POST"), ("X-Two", "2")], to: &buffer)
        #expect(text(buffer).hasSuffix("Content-Length: 2\r\nAllow: POST\r\nX-Two: 2\r\nConnection: close\r\n\r\n"))
        #expect(text(buffer).hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
    }

    @Test func appendsAfterWhatTheBufferHolds() {
        var buffer = Array("previous".utf8)
        ResponseEncoder.appendHead(status: 204, contentType: "text/plain", contentLength: 0, keepAlive: true,
                                   date: date, to: &buffer)
        #expect(text(buffer).hasPrefix("previousHTTP/1.1 204 Status\r\n"))
    }

    @Test func appendsWholeResponseWithBody() {
        var buffer: [UInt8] = []
        let response = Response(status: 404, contentType: "application/json", body: Array("{\"a\":1}".utf8))
        ResponseEncoder.append(response, keepAlive: true, date: date, to: &buffer)
        #expect(text(buffer) == "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
    }

    @Test func closesWhenTheResponseAsksEvenIfTheRequestAllowsKeepAlive() {
        var buffer: [UInt8] = []
        let response = Response(status: 413, contentType: "application/json", body: [], closesConnection: true)
        ResponseEncoder.append(response, keepAlive: true, date: date, to: &buffer)
        #expect(text(buffer).hasSuffix("Content-Length: 0\r\nConnection: close\r\n\r\n"))
    }

    @Test func closesWhenTheRequestForbidsKeepAlive() {
        var buffer: [UInt8] = []
        ResponseEncoder.append(Response(status: 200, contentType: "text/plain", body: Array("x".utf8)),
                               keepAlive: false, date: date, to: &buffer)
        #expect(text(buffer).hasSuffix("Connection: close\r\n\r\nx"))
    }

    @Test func writesContinueInterimResponse() {
        #expect(text(ResponseEncoder.continueResponse) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test(arguments: [0, 7, 9, 10, 99, 100, 1_234_567_890, Int.max])
    func writesDecimals(value: Int) {
        var buffer: [UInt8] = []
        ResponseEncoder.appendDecimal(value, to: &buffer)
        #expect(text(buffer) == String(value))
    }

    @Test(arguments: [
        (100, "Continue"), (200, "OK"), (201, "Created"), (400, "Bad Request"), (401, "Unauthorized"),
        (403, "Forbidden"), (404, "Not Found"), (405, "Method Not Allowed"), (408, "Request Timeout"),
        (413, "Content Too Large"), (415, "Unsupported Media Type"), (417, "Expectation Failed"),
        (429, "Too Many Requests"), (431, "Request Header Fields Too Large"), (500, "Internal Server Error"),
        (501, "Not Implemented"), (502, "Bad Gateway"), (503, "Service Unavailable"),
        (505, "HTTP Version Not Supported"), (507, "Insufficient Storage"),
    ])
    func namesReasonPhrase(status: Int, phrase: String) {
        #expect(ResponseEncoder.reasonPhrase(status) == phrase)
    }

    @Test func usesAPlaceholderPhraseForOtherStatuses() {
        #expect(ResponseEncoder.reasonPhrase(299) == "Status")
    }

    @Test func comparesResponsesIncludingExtraHeaders() {
        let plain = Response(status: 405, contentType: "a", body: [])
        let allow = Response(status: 405, contentType: "a", body: [], extraHeaders: [("Allow", "POST")])
        #expect(plain != allow)
        #expect(allow == Response(status: 405, contentType: "a", body: [], extraHeaders: [("Allow", "POST")]))
        #expect(allow != Response(status: 405, contentType: "a", body: [], extraHeaders: [("Allow", "GET")]))
        #expect(plain != Response(status: 405, contentType: "a", body: [], closesConnection: true))
    }
}
