import Foundation
import HaptikTestSupport
import Testing

/// Live fixtures (CONTRACT §9): `GET`/`PUT /__admin/fixtures` and SIGHUP; a new document is
/// validated whole and swapped in at once, a bad one changes nothing.
@Suite struct LiveFixturesTests {
    static let replacement = #"{"clients": [{"client_id": "new-client", "tokens": ["new-token"], "business_ids": [7]}]}"#

    private func uploadAs(_ server: TestServer, token: String, clientID: String, businessID: String) throws -> Int {
        try server.upload(.upload(businessID: businessID), authorization: "Bearer \(token)", clientID: clientID).status
    }

    @Test func getAnswersTheDocumentInUseWithTokens() throws {
        let server = try TestServer.start()
        let response = try server.get("/__admin/fixtures")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let clients = try #require(response.jsonObject?["clients"] as? [[String: Any]])
        #expect(clients.map { $0["client_id"] as? String } == ["acme-client", "other-client", "open-client"])
        #expect(clients.first?["tokens"] as? [String] == [TestFixtures.token, "acme-token-2"])
        #expect(clients.first?["business_ids"] as? [Int] == [TestFixtures.businessID, 12345])
    }

    @Test func putSwapsTheFixturesAtOnce() throws {
        let server = try TestServer.start()
        let response = try server.admin("PUT", "/__admin/fixtures", body: Self.replacement)
        #expect(response.status == 200)
        let clients = try #require(response.jsonObject?["clients"] as? [[String: Any]])
        #expect(clients.map { $0["client_id"] as? String } == ["new-client"])
        #expect(try uploadAs(server, token: "new-token", clientID: "new-client", businessID: "7") == 200)
        #expect(try uploadAs(server, token: TestFixtures.token, clientID: TestFixtures.clientID, businessID: "4321") == 401)
        #expect(try server.get("/__admin/fixtures").bodyText == response.bodyText)
    }

    @Test(arguments: [
        "", "not json", "{}", #"{"clients": {}}"#,
        #"{"clients": [{"client_id": "x", "tokens": ["t"]}, {"client_id": "y"}]}"#,
        #"{"clients": [{"client_id": "x", "tokens": ["t"], "business_ids": [1.5]}]}"#,
    ])
    func badDocumentIs400AndChangesNothing(document: String) throws {
        let server = try TestServer.start()
        let before = try server.get("/__admin/fixtures").bodyText
        expectError(try server.admin("PUT", "/__admin/fixtures", body: document), status: 400)
        #expect(try server.get("/__admin/fixtures").bodyText == before)
        #expect(try uploadAs(server, token: TestFixtures.token, clientID: TestFixtures.clientID, businessID: "4321") == 200)
    }

    @Test func sighupRereadsTheFileAndABadFileKeepsTheOldOnes() throws {
        let directory = try TemporaryDirectory()
        let fixtures = directory.appending("fixtures.json")
        try Data(contentsOf: URL(fileURLWithPath: repositoryFixtures)).write(to: URL(fileURLWithPath: fixtures))
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", directory.appending("storage"),
                                               "--fixtures", fixtures, "--log-level", "warning"])
        let port = try mock.awaitListening()
        func status(token: String, clientID: String) throws -> Int {
            let request = RawRequest.upload(.upload(), host: "127.0.0.1:\(port)", authorization: "Bearer \(token)",
                                            clientID: clientID)
            let client = try RawHTTPClient(port: port)
            try client.send(request.bytes)
            return try client.readResponse().status
        }
        #expect(try status(token: "demo-token", clientID: "demo-client") == 200)

        try Data(Self.replacement.utf8).write(to: URL(fileURLWithPath: fixtures), options: .atomic)
        mock.signal(SIGHUP)
        let swapped = waitUntil(timeout: .seconds(10)) { (try? status(token: "new-token", clientID: "new-client")) != 401 }
        #expect(swapped, "the new token works after SIGHUP; stderr: \(mock.stderrOutput())")
        #expect(try status(token: "demo-token", clientID: "demo-client") == 401)

        try Data("{broken".utf8).write(to: URL(fileURLWithPath: fixtures), options: .atomic)
        mock.signal(SIGHUP)
        let complained = waitUntil(timeout: .seconds(10)) { mock.stderrOutput().contains("fixtures not reloaded") }
        #expect(complained, "stderr: \(mock.stderrOutput())")
        #expect(try status(token: "new-token", clientID: "new-client") != 401, "a bad file keeps the fixtures in use")
        #expect(mock.process.isRunning)
        mock.signal()
        mock.expectCleanExit()
    }
}
