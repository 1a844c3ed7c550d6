import Foundation
import HaptikTestSupport
import Testing

/// Each fault action over real sockets (CONTRACT §10): what the client observes (status, reset,
/// timing with generous bounds), what the journal records, and that nothing is left on disk.
@Suite struct FaultActionTests {
    private static let largeFile = TestFixtures.fileBytes(count: 300_000)

    @Test func statusFaultReplacesTheAnswerAndStoresNothing() throws {
        let server = try TestServer.start()
        let id = try server.addFault("""
            {"status": 429, "body": {"error_message": "slow down", "retry_in": 2}, "headers": {"Retry-After": "2"}}
            """)
        let client = try server.connect()
        try client.send(RawRequest.upload(.upload(), host: server.host).bytes)
        let response = try client.readResponse()
        #expect(response.status == 429)
        #expect(response.bodyText == #"{"error_message": "slow down", "retry_in": 2}"#)
        #expect(response.header("retry-after") == "2")
        #expect(response.header("content-type") == "application/json")
        #expect(response.header("connection") == nil, "the whole body was read: the connection stays open")
        expectStorageEmpty(server)

        try client.send(RawRequest.upload(.upload(), host: server.host).bytes)
        #expect(try client.readResponse().status == 429, "no times: every match, on the same connection too")

        let entry = try server.entries()[0]
        #expect(entry["status"] as? Int == 429)
        #expect(entry["reason"] as? String == "fault_status")
        #expect(entry["auth_id"] as? String == TestFixtures.authID, "the body was read and journaled")
        #expect(isNull(entry["message_id"]) && isNull(entry["file_url"]))
        #expect(JournaledFault(entry) == JournaledFault(ruleID: id, action: "status"))
    }

    @Test func statusFaultWithoutBodySendsAnErrorObject() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"status": 503}"#)
        let response = try server.upload(.upload())
        expectError(response, status: 503)
    }

    @Test func nextTwoFailThenUploadsSucceed() throws {
        let server = try TestServer.start()
        let id = try server.addFault(#"{"status": 503, "times": 2}"#)
        let statuses = try (0..<4).map { _ in try server.upload(.upload()).status }
        #expect(statuses == [503, 503, 200, 200])
        #expect(try server.faultRules().isEmpty, "a rule that used up its times retires")
        let faults = try server.entries().map(JournaledFault.init)
        let status = JournaledFault(ruleID: id, action: "status")
        #expect(faults == [status, status, nil, nil])
        #expect(server.storedFiles().count == 2)
    }

    @Test func delayHoldsTheAnswerWithoutBlockingOtherConnections() throws {
        let server = try TestServer.start(workers: 1)
        try server.addFault(#"{"delay_ms": 3000, "session": "slow"}"#)
        let slow = try server.connect()
        let started = ContinuousClock.now
        try slow.send(RawRequest.upload(.upload(), host: server.host, extraHeaders: [("X-Mock-Session", "slow")]).bytes)
        // The same single worker answers another client while the first answer is held back.
        let (health, healthTime) = try secondsTaken { try server.get("/__admin/health") }
        #expect(health.status == 200)
        #expect(healthTime < 2)
        let response = try slow.readResponse()
        let waited = ContinuousClock.now - started
        #expect(response.status == 200)
        #expect(waited > .milliseconds(2_900) && waited < .seconds(15), "answered after the delay: \(waited)")
        #expect(try JournaledFault(server.entries()[0]) == JournaledFault(ruleID: 1, action: "delay_ms"))
    }

    @Test func closeAfterResponseAnswersNormallyThenCloses() throws {
        let server = try TestServer.start()
        try server.addFault(#"{"close_after_response": true}"#)
        let client = try server.connect()
        try client.send(RawRequest.upload(.upload(), host: server.host).bytes)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.receipt != nil)
        #expect(response.header("connection") == nil, "the answer says nothing of the close")
        let (rest, end) = try client.readUntilEnd()
        #expect(rest.isEmpty)
        #expect(end == .closed)
        #expect(server.storedFiles().count == 1)
    }

    @Test func resetBeforeBodyResetsRightAfterTheHead() throws {
        let server = try TestServer.start()
        let id = try server.addFault(#"{"reset_before_body": true}"#)
        let client = try server.connect()
        let request = RawRequest.upload(.upload(), host: server.host, extraHeaders: [("Expect", "100-continue")])
        try client.send(request.head)
        let (received, end) = try client.readUntilEnd()
        #expect(received.isEmpty, "not even 100 Continue")
        #expect(end == .reset)

        let entry = try server.onlyEntry()
        #expect(entry["status"] as? String == "aborted")
        #expect(entry["reason"] as? String == "fault_reset")
        #expect(entry["bytes_received"] as? Int == 0)
        #expect(entry["client_id"] as? String == TestFixtures.clientID)
        #expect(JournaledFault(entry) == JournaledFault(ruleID: id, action: "reset_before_body"))
        expectStorageEmpty(server)
    }

    @Test(arguments: [nil, 1_000])
    func resetAfterBytesResetsOnceThatManyBodyBytesWereRead(chunkSize: Int?) throws {
        let server = try TestServer.start()
        try server.addFault(#"{"reset_after_bytes": 50000}"#)
        let form = MultipartForm.upload(file: Self.largeFile)
        let request = RawRequest.upload(form, host: server.host, chunkSize: chunkSize)
        let outcome = try server.connect().sendExpectingNoAnswer(request.bytes)
        #expect(outcome.received.isEmpty)
        #expect(outcome.wasReset)

        let entry = try server.onlyEntry()
        #expect(entry["status"] as? String == "aborted")
        #expect(entry["reason"] as? String == "fault_reset")
        let received = try #require(entry["bytes_received"] as? Int)
        #expect(received >= 50_000 && received < form.body.count, "K <= bytes_received < body length: \(received)")
        expectStorageEmpty(server)
    }

    @Test func stallStopsReadingAndClosesAfterStallMilliseconds() throws {
        let server = try TestServer.start(workers: 1)
        try server.addFault(#"{"stall_after_bytes": 1000, "stall_ms": 3000, "session": "stalled"}"#)
        let stalled = try server.connect()
        let request = RawRequest.upload(.upload(file: Self.largeFile), host: server.host,
                                        extraHeaders: [("X-Mock-Session", "stalled")])
        let started = ContinuousClock.now
        try stalled.send(request.bytes)

        // A normal upload on the same single worker is answered meanwhile.
        let (normal, normalTime) = try secondsTaken { try server.upload(.upload()) }
        #expect(normal.status == 200)
        #expect(normalTime < 2)

        let outcome = try stalled.readUntilEnd()
        let waited = ContinuousClock.now - started
        #expect(outcome.bytes.isEmpty, "a stall answers nothing")
        #expect(waited > .milliseconds(2_900) && waited < .seconds(15), "closed at stall_ms: \(waited)")
        let entry = try #require(try server.entries("status=aborted").first)
        #expect(entry["reason"] as? String == "fault_stall")
        #expect(entry["bytes_received"] as? Int == 1000)
        #expect(JournaledFault(entry) == JournaledFault(ruleID: 1, action: "stall_after_bytes"))
        #expect(server.storedFiles().count == 1, "only the normal upload's file")
    }

    /// A client that gives up ends the stall: with a close once all its bytes were taken in, or
    /// with a reset (a close with bytes the server never took is not seen until stall_ms).
    @Test(arguments: [(3_000, false), (200_000, true)])
    func stalledConnectionEndsWhenTheClientGivesUp(fileSize: Int, resets: Bool) throws {
        let server = try TestServer.start()
        try server.addFault(#"{"stall_after_bytes": 0, "stall_ms": 60000}"#)
        let client = try server.connect()
        try client.send(RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: fileSize)), host: server.host).bytes)
        // The rule fires once the head is read; the stall begins at once (after 0 bytes).
        #expect(waitUntil { (try? server.faultRules().first?["fired"] as? Int) == 1 })
        if resets { client.abort() } else { client.close() }
        let (listing, waited) = try secondsTaken { try server.listing("status=aborted&wait_for=1&timeout_ms=10000") }
        #expect(listing.uploads.count == 1)
        #expect(waited < 5, "the stall ended when the client left, not at stall_ms")
        #expect(listing.uploads.first?["reason"] as? String == "fault_stall")
        #expect(listing.uploads.first?["bytes_received"] as? Int == 0)
        expectStorageEmpty(server)
    }

    @Test func throttleReadsNoFasterThanTheRateAndLeavesOthersAlone() throws {
        let server = try TestServer.start(workers: 1)
        try server.addFault(#"{"throttle_bytes_per_sec": 100000, "session": "slow"}"#)
        let form = MultipartForm.upload(file: Self.largeFile)
        let slow = try server.connect()
        let clock = ContinuousClock()
        let start = clock.now
        try slow.send(RawRequest.upload(form, host: server.host, extraHeaders: [("X-Mock-Session", "slow")]).bytes)

        let (normal, normalTime) = try secondsTaken { try server.upload(.upload()) }
        #expect(normal.status == 200)
        #expect(normalTime < 2)

        let response = try slow.readResponse()
        let elapsed = clock.now - start
        #expect(response.status == 200)
        #expect(elapsed > .milliseconds(2_500) && elapsed < .seconds(20), "300 KB at 100 KB/s takes about 3 s: \(elapsed)")
        let entries = try server.entries("session=slow")
        let receipt = try #require(response.receipt)
        #expect(server.storedBytes(receipt.storedName) == Self.largeFile)
        #expect(entries.first.flatMap(JournaledFault.init) == JournaledFault(ruleID: 1, action: "throttle_bytes_per_sec"))
    }
}
