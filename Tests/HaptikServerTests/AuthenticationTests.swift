import HaptikTestSupport
import Testing

/// The head checks' 401 and the 403 for unregistered users (CONTRACT §4), over real sockets.
@Suite struct AuthenticationTests {
    /// One way of getting the credentials wrong.
    struct BadCredentials: CustomTestStringConvertible, Sendable {
        let label: String
        let authorization: String?
        let clientID: String?
        var testDescription: String { label }
    }

    static let badCredentials: [BadCredentials] = [
        .init(label: "no Authorization", authorization: nil, clientID: TestFixtures.clientID),
        .init(label: "Basic scheme", authorization: "Basic YWNtZTphY21lLXRva2VuLTE=", clientID: TestFixtures.clientID),
        .init(label: "Basic scheme with the token", authorization: "Basic \(TestFixtures.token)", clientID: TestFixtures.clientID),
        .init(label: "Bearer with empty token", authorization: "Bearer ", clientID: TestFixtures.clientID),
        .init(label: "Bearer alone", authorization: "Bearer", clientID: TestFixtures.clientID),
        .init(label: "token without scheme", authorization: TestFixtures.token, clientID: TestFixtures.clientID),
        .init(label: "unknown token", authorization: "Bearer not-a-token", clientID: TestFixtures.clientID),
        .init(label: "token with a suffix", authorization: "Bearer \(TestFixtures.token)x", clientID: TestFixtures.clientID),
        .init(label: "token in another case", authorization: "Bearer ACME-TOKEN-1", clientID: TestFixtures.clientID),
        .init(label: "no client-id", authorization: TestFixtures.bearer, clientID: nil),
        .init(label: "empty client-id", authorization: TestFixtures.bearer, clientID: ""),
        .init(label: "another client's client-id", authorization: TestFixtures.bearer, clientID: TestFixtures.otherClientID),
        .init(label: "another client's token", authorization: "Bearer \(TestFixtures.otherToken)", clientID: TestFixtures.clientID),
        .init(label: "client-id in another case", authorization: TestFixtures.bearer, clientID: "ACME-CLIENT"),
    ]

    @Test(arguments: badCredentials)
    func badCredentialsAreAnswered401AndStoreNothing(_ credentials: BadCredentials) throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(), authorization: credentials.authorization,
                                          clientID: credentials.clientID)
        #expect(response.status == 401)
        #expect(response.bodyText == #"{"error_message": "invalid authorization details"}"#)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.closesConnection)
        expectStorageEmpty(server)
    }

    @Test(arguments: ["bearer", "BEARER", "BeArEr"])
    func bearerSchemeMatchesInAnyCase(scheme: String) throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(), authorization: "\(scheme) \(TestFixtures.token)")
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func everyTokenOfAClientIsAccepted() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(), authorization: "Bearer acme-token-2")
        #expect(response.status == 200, "\(response.bodyText)")
    }

    @Test func headerNamesMatchInAnyCase() throws {
        let server = try TestServer.start()
        let form = MultipartForm.upload()
        let head = RawRequest.head("POST /v1.0/log_file_from_user/ HTTP/1.1", [
            ("HOST", server.host), ("AUTHORIZATION", TestFixtures.bearer), ("Client-ID", TestFixtures.clientID),
            ("content-TYPE", form.contentType), ("content-length", String(form.body.count)),
        ])
        let response = try server.send(RawRequest(head: head, body: form.body))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func unauthorizedIsAnsweredOnTheHeadWithoutTheBody() throws {
        let server = try TestServer.start()
        let client = try server.connect(timeout: 5)
        let request = RawRequest.upload(.upload(), host: server.host, authorization: "Bearer wrong")
        try client.send(request.head)   // the body is never sent
        let response = try client.readResponse()
        #expect(response.status == 401)
        #expect(response.closesConnection)
        #expect(try client.readUntilEnd().end == .closed)
        expectStorageEmpty(server)
    }

    @Test(arguments: ["user_999", "USER_001", "user_001x"])
    func unknownAuthIDIsAnswered403(authID: String) throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(authID: authID))
        #expect(response.status == 403)
        #expect(response.bodyText == #"{"error_message": "user is not registered"}"#)
        #expect(response.header("Content-Type") == "application/json")
        expectStorageEmpty(server)
    }

    @Test func authIDsOfAnotherClientAreNotRegisteredForThisOne() throws {
        let server = try TestServer.start()
        let response = try server.upload(.upload(authID: "someone"))
        #expect(response.status == 403)
        expectStorageEmpty(server)
    }
}
