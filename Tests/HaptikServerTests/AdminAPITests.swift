import Foundation
import HaptikTestSupport
import Testing

/// The journal API (CONTRACT §5, §7): filters, paging, the bound, one entry, reset, sessions.
@Suite struct AdminAPITests {
    /// Five requests: two sessions, two clients, a 403, a message_type 52.
    private func seed(_ server: TestServer) throws {
        try server.upload(.upload(), session: "a")                                            // 1
        try server.upload(.upload(authID: "user_002", messageType: "52"), session: "b")      // 2
        try server.upload(.upload(authID: "nobody"), session: "a", expecting: 403)           // 3
        let other = MultipartForm.upload(authID: "someone", businessID: "1")
        #expect(try server.upload(other, authorization: "Bearer \(TestFixtures.otherToken)",
                                  clientID: TestFixtures.otherClientID).status == 200)      // 4
        try server.upload(.upload(), session: "b")                                            // 5
    }

    @Test(arguments: [
        ("", [1, 2, 3, 4, 5]),
        ("status=200", [1, 2, 4, 5]),
        ("status=403", [3]),
        ("client_id=other-client", [4]),
        ("auth_id=user_002", [2]),
        ("message_type=52", [2]),
        ("session=a", [1, 3]),
        ("session=b&status=200&message_type=1", [5]),
        ("since=2", [3, 4, 5]),
        ("limit=2", [1, 2]),
        ("since=1&limit=2&session=b", [2, 5]),
        ("session=nobody", []),
        ("status=aborted", []),
    ])
    func filtersAreExactAndANDed(query: String, ids: [Int]) throws {
        let server = try TestServer.start()
        try seed(server)
        let listing = try server.listing(query)
        #expect(listing.ids == ids)
        #expect(listing.dropped == 0)
        #expect(listing.keys == ["uploads", "dropped"], "timed_out only with wait_for")
    }

    @Test(arguments: ["since=x", "limit=-1", "limit=1.5", "wait_for=two", "wait_for=1&timeout_ms=1e3", "since="])
    func nonIntegerNumbersAre400(query: String) throws {
        let server = try TestServer.start()
        expectError(try server.get("/__admin/uploads?\(query)"), status: 400)
    }

    @Test func boundedJournalDropsTheOldestAndCountsThem() throws {
        let server = try TestServer.start(maxJournalEntries: 3)
        for _ in 0..<5 { try server.upload(.upload(), session: nil) }
        let listing = try server.listing()
        #expect(listing.ids == [3, 4, 5])
        #expect(listing.dropped == 2)
        #expect(try server.listing("limit=1").ids == [3])
        #expect(try server.listing("limit=1").dropped == 2, "dropped is the journal's, whatever the filter")
        expectError(try server.get("/__admin/uploads/1"), status: 404)
    }

    @Test func oneEntryIsAsListedAnd404OnceGone() throws {
        let server = try TestServer.start()
        try seed(server)
        let listed = try server.entries()[2]
        let response = try server.get("/__admin/uploads/3")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let one = try #require(response.jsonObject)
        #expect(NSDictionary(dictionary: one).isEqual(to: listed))
        expectError(try server.get("/__admin/uploads/99"), status: 404)
        expectError(try server.get("/__admin/uploads/abc"), status: 404)
        #expect(try server.admin("DELETE", "/__admin/uploads").status == 200)
        expectError(try server.get("/__admin/uploads/3"), status: 404)
    }

    @Test func deleteEmptiesJournalAndStoredFilesAndIDsContinue() throws {
        let server = try TestServer.start()
        try seed(server)
        let url = try #require(try server.upload(.upload(), session: nil).receipt).fileURL
        let path = String(url.dropFirst("http://\(server.host)".count))
        #expect(try server.get(path).status == 200)

        let reset = try server.admin("DELETE", "/__admin/uploads")
        #expect(reset.status == 200)
        #expect(reset.bodyText == #"{"status":"ok"}"#)
        let listing = try server.listing()
        #expect(listing.uploads.isEmpty && listing.dropped == 0)
        expectError(try server.get(path), status: 404)
        expectStorageEmpty(server)

        let next = try #require(try server.upload(.upload(), session: nil).receipt)
        #expect(try server.listing().ids == [7], "entry ids continue after a reset")
        #expect(next.messageID == 6, "message ids continue after a reset (5 accepted before)")
    }

    @Test func deleteZeroesDroppedAndRemovesFilesOfDroppedEntriesToo() throws {
        let server = try TestServer.start(maxJournalEntries: 2)
        for _ in 0..<4 { try server.upload(.upload(), session: nil) }
        #expect(try server.listing().dropped == 2)
        #expect(server.storedFiles().count == 4)
        #expect(try server.admin("DELETE", "/__admin/uploads").status == 200)
        #expect(try server.listing().dropped == 0)
        expectStorageEmpty(server)   // CONTRACT §5: every file this process stored
    }

    @Test func deleteWithSessionRemovesOnlyThatSession() throws {
        let server = try TestServer.start()
        let a = try #require(try server.upload(.upload(), session: "a").receipt)
        let b = try #require(try server.upload(.upload(), session: "b").receipt)
        #expect(try server.admin("DELETE", "/__admin/uploads?session=a").status == 200)
        #expect(try server.listing().ids == [2])
        #expect(try server.get("/content/\(a.storedName)").status == 404)
        #expect(try server.get("/content/\(b.storedName)").status == 200)
        #expect(server.storedFiles() == [b.storedName])
    }

    @Test func sessionsIsolateParallelTests() throws {
        let server = try TestServer.start(workers: 4)
        try concurrently(sessions: ["alpha", "beta", "gamma"]) { session in
            for _ in 0..<3 { try server.upload(.upload(messageBody: session), session: session) }
            let mine = try server.entries("session=\(session)")
            #expect(mine.count == 3)
            #expect(mine.allSatisfy { $0["message_body"] as? String == session })
        }
        #expect(try server.entries().count == 9)
        #expect(try server.entries("session=alpha").count == 3)
    }

    @Test func unknownAdminPathIs404AndWrongMethodIs405() throws {
        let server = try TestServer.start()
        expectError(try server.get("/__admin/nothing"), status: 404)
        let response = try server.admin("POST", "/__admin/uploads", body: "{}")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, DELETE")
    }
}

/// Runs `body` once per session, concurrently on separate threads, and rethrows the first error.
func concurrently(sessions: [String], _ body: @escaping @Sendable (String) throws -> Void) throws {
    let errors = LockedBox<[any Error]>([])
    DispatchQueue.concurrentPerform(iterations: sessions.count) { index in
        do { try body(sessions[index]) } catch { errors.withLock { $0.append(error) } }
    }
    if let error = errors.withLock({ $0.first }) { throw error }
}
