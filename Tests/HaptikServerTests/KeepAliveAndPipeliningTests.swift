import HaptikTestSupport
import Testing

/// Bodies, `Expect: 100-continue`, keep-alive and pipelining (CONTRACT §3, §4), over real sockets.
@Suite struct KeepAliveAndPipeliningTests {
    @Test(arguments: [1, 7, 1000, 65_536])
    func chunkedUploadIsStoredByteIdentical(chunkSize: Int) throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 40_000, seed: UInt64(chunkSize))
        let request = RawRequest.upload(.upload(messageBody: "chunked", file: file), host: server.host,
                                        chunkSize: chunkSize)
        let client = try server.connect()
        try client.sendInPieces(request.bytes, pieceSize: 4_093)
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.messageBody == "chunked")
        #expect(server.storedBytes(receipt.storedName) == file)
        // The connection stays usable after a chunked body.
        try client.send(RawRequest.get("/__admin/health", host: server.host).bytes)
        #expect(try client.readResponse().status == 200)
    }

    @Test func chunkedUploadWithExtensionsAndTrailersIsAccepted() throws {
        let server = try TestServer.start()
        let form = MultipartForm.upload(file: TestFixtures.fileBytes(count: 500))
        let payload = form.body
        var body = Array("10;name=value\r\n".utf8) + payload[..<16] + Array("\r\n".utf8)
        body += Array("\(String(payload.count - 16, radix: 16))\r\n".utf8) + payload[16...] + Array("\r\n".utf8)
        body += Array("0\r\nX-Trailer: yes\r\n\r\n".utf8)
        let head = RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("Host", server.host), ("Authorization", TestFixtures.bearer), ("client-id", TestFixtures.clientID),
            ("Content-Type", form.contentType), ("Transfer-Encoding", "chunked"),
        ])
        let response = try server.send(RawRequest(head: head, body: body))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func expectContinueWithBadTokenIsAnswered401WithoutTheBody() throws {
        let server = try TestServer.start()
        let request = RawRequest.upload(.upload(), host: server.host, authorization: "Bearer wrong",
                                        extraHeaders: [("Expect", "100-continue")])
        let client = try server.connect(timeout: 5)
        try client.send(request.head)
        let response = try client.readResponse()
        #expect(response.status == 401, "a final answer, never 100 Continue")
        #expect(response.bodyText == #"{"error_message": "invalid authorization details"}"#)
        #expect(response.closesConnection)
        let rest = try client.readUntilEnd()
        #expect(rest.bytes.isEmpty)
        #expect(rest.end == .closed)
        expectStorageEmpty(server)
    }

    @Test func expectContinueWithGoodTokenGets100ThenTheFinalAnswer() throws {
        let server = try TestServer.start()
        let file = TestFixtures.fileBytes(count: 30_000)
        let request = RawRequest.upload(.upload(file: file), host: server.host,
                                        extraHeaders: [("Expect", "100-continue")])
        let client = try server.connect(timeout: 5)
        try client.send(request.head)
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        #expect(interim.body.isEmpty)
        #expect(server.storedFiles().allSatisfy { $0.hasPrefix(".partial-") })
        try client.send(request.body)
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(server.storedBytes(receipt.storedName) == file)
    }

    @Test func severalUploadsShareOneKeepAliveConnection() throws {
        let server = try TestServer.start()
        let client = try server.connect()
        var ids: [Int] = []
        for index in 0..<4 {
            let file = TestFixtures.fileBytes(count: 2_000 + index * 3_000, seed: UInt64(index))
            try client.send(RawRequest.upload(.upload(messageBody: "upload \(index)", file: file), host: server.host).bytes)
            let response = try client.readResponse()
            #expect(!response.closesConnection)
            let receipt = try #require(response.receipt, "\(response.bodyText)")
            #expect(receipt.messageBody == "upload \(index)")
            #expect(server.storedBytes(receipt.storedName) == file)
            ids.append(receipt.messageID)
        }
        #expect(ids == ids.sorted() && Set(ids).count == 4)
        #expect(server.storedFiles().count == 4)
    }

    @Test func pipelinedUploadsAndHealthAreAnsweredInOrder() throws {
        let server = try TestServer.start()
        let files = (0..<3).map { TestFixtures.fileBytes(count: 1_500 * ($0 + 1), seed: UInt64(40 + $0)) }
        var bytes: [UInt8] = []
        for (index, file) in files.enumerated() {
            bytes += RawRequest.upload(.upload(messageBody: "pipelined \(index)", file: file), host: server.host).bytes
        }
        bytes += RawRequest.get("/__admin/health", host: server.host).bytes
        let client = try server.connect()
        try client.send(bytes)   // one write
        var ids: [Int] = []
        for (index, file) in files.enumerated() {
            let response = try client.readResponse()
            let receipt = try #require(response.receipt, "answer \(index): \(response.bodyText)")
            #expect(receipt.messageBody == "pipelined \(index)")
            #expect(server.storedBytes(receipt.storedName) == file)
            ids.append(receipt.messageID)
        }
        let health = try client.readResponse()
        #expect(health.status == 200)
        #expect(health.bodyText == #"{"status":"ok"}"#)
        #expect(ids == ids.sorted())
    }

    @Test func pipelinedRequestsAfterAFieldErrorAreStillAnswered() throws {
        let server = try TestServer.start()
        let bytes = RawRequest.upload(.upload(businessID: "nope"), host: server.host).bytes
            + RawRequest.upload(.upload(messageBody: "second"), host: server.host).bytes
            + RawRequest.get("/nowhere", host: server.host).bytes
        let client = try server.connect()
        try client.sendInPieces(bytes, pieceSize: 777)
        expectError(try client.readResponse(), status: 400)
        let second = try client.readResponse()
        #expect(second.receipt?.messageBody == "second", "\(second.bodyText)")
        expectError(try client.readResponse(), status: 404)
        #expect(server.storedFiles().count == 1)
    }

    @Test func http10RequestIsClosedAfterTheAnswer() throws {
        let server = try TestServer.start()
        let client = try server.connect(timeout: 5)
        try client.send(RawRequest.get("/__admin/health", host: server.host, version: "HTTP/1.0").bytes)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.closesConnection)
        let rest = try client.readUntilEnd()
        #expect(rest.bytes.isEmpty && rest.end == .closed)
    }

    @Test func http10UploadIsStoredThenClosed() throws {
        let server = try TestServer.start()
        let client = try server.connect(timeout: 5)
        try client.send(RawRequest.upload(.upload(), host: server.host, version: "HTTP/1.0").bytes)
        let response = try client.readResponse()
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(try client.readUntilEnd().end == .closed)
        #expect(server.storedFiles().count == 1)
    }

    @Test func connectionCloseIsClosedAfterTheAnswer() throws {
        let server = try TestServer.start()
        let client = try server.connect(timeout: 5)
        let request = RawRequest.upload(.upload(), host: server.host, extraHeaders: [("Connection", "close")])
        // A pipelined request after `Connection: close` is never answered.
        try client.send(request.bytes + RawRequest.get("/__admin/health", host: server.host).bytes)
        let response = try client.readResponse()
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.closesConnection)
        let rest = try client.readUntilEnd()
        #expect(rest.bytes.isEmpty, "\(String(decoding: rest.bytes, as: UTF8.self))")
        #expect(server.storedFiles().count == 1)
    }

    @Test func connectionCloseInAnyCaseIsHonoured() throws {
        let server = try TestServer.start()
        let client = try server.connect(timeout: 5)
        try client.send(RawRequest.get("/__admin/health", host: server.host, extraHeaders: [("connection", "Close")]).bytes)
        #expect(try client.readResponse().closesConnection)
        #expect(try client.readUntilEnd().end == .closed)
    }
}
