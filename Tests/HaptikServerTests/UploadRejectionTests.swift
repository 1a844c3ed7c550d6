import HaptikTestSupport
import Testing

/// Uploads refused with 400 or 413 (CONTRACT §4), over real sockets; none leaves a file behind.
@Suite struct UploadRejectionTests {
    /// A form the server must answer 400 after reading it whole.
    struct BadForm: CustomTestStringConvertible, Sendable {
        let label: String
        let form: MultipartForm
        var testDescription: String { label }
    }

    static let badForms: [BadForm] = [
        .init(label: "missing auth_id", form: .upload(authID: nil)),
        .init(label: "missing business_id", form: .upload(businessID: nil)),
        .init(label: "missing message_type", form: .upload(messageType: nil)),
        .init(label: "missing file", form: .upload(file: nil)),
        .init(label: "file sent as a text field", form: MultipartForm(parts: [
            .text("auth_id", TestFixtures.authID), .text("business_id", "4321"), .text("message_type", "1"),
            .text("files", "not the file"),
        ])),
        .init(label: "empty auth_id", form: .upload(authID: "")),
        .init(label: "auth_id with a space", form: .upload(authID: "user 001")),
        .init(label: "auth_id with a dot", form: .upload(authID: "user.001")),
        .init(label: "auth_id with a slash", form: .upload(authID: "../user_001")),
        .init(label: "auth_id with non-ASCII", form: .upload(authID: "usér_001")),
        .init(label: "non-numeric business_id", form: .upload(businessID: "43a1")),
        .init(label: "negative business_id", form: .upload(businessID: "-4321")),
        .init(label: "empty business_id", form: .upload(businessID: "")),
        .init(label: "business_id with a space", form: .upload(businessID: "4321 ")),
        .init(label: "business_id not the client's", form: .upload(businessID: "1")),
        .init(label: "message_type 7", form: .upload(messageType: "7")),
        .init(label: "message_type 2", form: .upload(messageType: "2")),
        .init(label: "message_type text", form: .upload(messageType: "image")),
        .init(label: "empty message_type", form: .upload(messageType: "")),
        .init(label: "message_body over 64 KiB", form: .upload(messageBody: String(repeating: "y", count: 65_537))),
        .init(label: "auth_id over 64 KiB", form: .upload(authID: String(repeating: "a", count: 70_000))),
        .init(label: "auth_id sent twice", form: MultipartForm(parts: [
            .text("auth_id", TestFixtures.authID), .text("auth_id", "user_002"), .text("business_id", "4321"),
            .text("message_type", "1"), .file(name: "file", filename: "a.png", contentType: nil, bytes: [1, 2, 3]),
        ])),
    ]

    @Test(arguments: badForms)
    func invalidFieldsAreAnswered400AndStoreNothing(_ bad: BadForm) throws {
        let server = try TestServer.start()
        let response = try server.upload(bad.form)
        expectError(response, status: 400)
        expectStorageEmpty(server)
    }

    @Test func fieldErrorKeepsTheConnectionForTheNextRequest() throws {
        let server = try TestServer.start()
        let client = try server.connect()
        try client.send(RawRequest.upload(.upload(authID: nil), host: server.host).bytes)
        let rejected = try client.readResponse()
        expectError(rejected, status: 400)
        #expect(!rejected.closesConnection)
        try client.send(RawRequest.upload(.upload(), host: server.host).bytes)
        let accepted = try client.readResponse()
        #expect(accepted.status == 200, "\(accepted.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    /// Multipart bodies that break RFC 7578/2046.
    static let malformedBodies: [(label: String, body: String)] = [
        ("unclosed", "--B\r\nContent-Disposition: form-data; name=\"auth_id\"\r\n\r\nuser_001\r\n"),
        ("truncated in a part", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nabc"),
        ("part without Content-Disposition",
         "--B\r\nContent-Type: text/plain\r\n\r\nuser_001\r\n--B--\r\n"),
        ("bad part header line", "--B\r\nContent-Disposition form-data; name=\"auth_id\"\r\n\r\nx\r\n--B--\r\n"),
        ("foreign boundary", "--OTHER\r\nContent-Disposition: form-data; name=\"auth_id\"\r\n\r\nx\r\n--OTHER--\r\n"),
        ("empty body", ""),
    ]

    @Test(arguments: malformedBodies.map(\.label))
    func malformedMultipartIsAnswered400(label: String) throws {
        let body = try #require(Self.malformedBodies.first { $0.label == label }).body
        let server = try TestServer.start()
        let bytes = Array(body.utf8)
        let head = RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("Host", server.host), ("Authorization", TestFixtures.bearer), ("client-id", TestFixtures.clientID),
            ("Content-Type", "multipart/form-data; boundary=B"), ("Content-Length", String(bytes.count)),
        ])
        // A short receive timeout: the answer is due at once, whatever the idle timeout.
        let client = try server.connect(timeout: 3)
        try client.send(head + bytes)
        let response = try client.readResponse()
        expectError(response, status: 400)
        expectStorageEmpty(server)
    }

    @Test(arguments: [
        "application/json",
        "text/plain; boundary=B",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/mixed; boundary=B",
        "multipart/form-data; charset=utf-8",
    ])
    func contentTypeThatIsNotMultipartWithBoundaryIsAnswered400(contentType: String) throws {
        let server = try TestServer.start()
        let client = try server.connect(timeout: 5)
        let request = RawRequest.upload(.upload(), host: server.host, contentType: contentType)
        try client.send(request.head)   // answered on the head: the body is not needed
        let response = try client.readResponse()
        expectError(response, status: 400)
        #expect(response.closesConnection)
        expectStorageEmpty(server)
    }

    @Test func missingContentTypeIsAnswered400() throws {
        let server = try TestServer.start()
        let response = try server.send(.upload(.upload(), host: server.host, omitContentType: true))
        expectError(response, status: 400)
        expectStorageEmpty(server)
    }

    @Test func fileOneByteOverTheLimitIsAnswered413() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let response = try server.upload(.upload(file: TestFixtures.fileBytes(count: 1001)))
        expectError(response, status: 413)
        #expect(response.closesConnection)
        expectStorageEmpty(server)
    }

    @Test func fileOverTheLimitIsAnswered413BeforeTheBodyEnds() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let form = MultipartForm.upload(file: TestFixtures.fileBytes(count: 200_000))
        let request = RawRequest.upload(form, host: server.host)
        let client = try server.connect(timeout: 5)
        // Send all but the last 50 KB: the answer must come without the rest.
        try client.send(request.head + request.body.prefix(request.body.count - 50_000))
        let response = try client.readResponse()
        expectError(response, status: 413)
        #expect(response.closesConnection)
        expectStorageEmpty(server)
    }

    @Test func textFieldsDoNotCountTowardsTheFileLimit() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let response = try server.upload(.upload(messageBody: String(repeating: "m", count: 5_000),
                                                 file: TestFixtures.fileBytes(count: 1000)))
        #expect(response.status == 200, "\(response.bodyText)")
    }

    @Test func contentLengthOverLimitPlusOneMiBIsAnsweredWithoutReadingTheBody() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let form = MultipartForm.upload()
        let head = RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("Host", server.host), ("Authorization", TestFixtures.bearer), ("client-id", TestFixtures.clientID),
            ("Content-Type", form.contentType), ("Content-Length", String(1000 + 1_048_576 + 1)),
        ])
        let client = try server.connect(timeout: 5)
        try client.send(head)   // no body byte at all
        let response = try client.readResponse()
        expectError(response, status: 413)
        #expect(response.closesConnection)
        #expect(try client.readUntilEnd().end == .closed)
        expectStorageEmpty(server)
    }

    @Test func contentLengthOfExactlyLimitPlusOneMiBIsNotRefusedOnTheHead() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let form = MultipartForm.upload(messageBody: "", file: TestFixtures.fileBytes(count: 1000))
        var body = form.body
        let target = 1000 + 1_048_576
        // Pad with an epilogue (ignored by RFC 2046) up to exactly the largest length allowed on the head.
        body += [UInt8](repeating: UInt8(ascii: "e"), count: target - body.count)
        let head = RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("Host", server.host), ("Authorization", TestFixtures.bearer), ("client-id", TestFixtures.clientID),
            ("Content-Type", form.contentType), ("Content-Length", String(body.count)),
        ])
        let response = try server.send(RawRequest(head: head, body: body))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func expectContinueWithTooLargeContentLengthGets413Not100() throws {
        let server = try TestServer.start(maxFileSize: 1000)
        let request = RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: 2_000_000)), host: server.host,
                                        extraHeaders: [("Expect", "100-continue")])
        let client = try server.connect(timeout: 5)
        try client.send(request.head)
        let response = try client.readResponse()
        expectError(response, status: 413)
        let rest = try client.readUntilEnd()
        #expect(rest.bytes.isEmpty, "never a 100 Continue: \(rest.bytes)")
        #expect(rest.end == .closed)
        expectStorageEmpty(server)
    }
}
