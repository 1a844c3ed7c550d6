import Foundation
import HaptikTestSupport
import Testing

/// `GET /__admin/uploads?wait_for=N&timeout_ms=T` (CONTRACT §7): answers once N entries match,
/// or at the timeout with `timed_out: true`, and never blocks the worker's other connections.
@Suite struct JournalWaitTests {
    /// Sends a wait on its own connection without reading the answer.
    private func startWaiting(_ server: TestServer, _ query: String) throws -> RawHTTPClient {
        let client = try server.connect(timeout: 30)
        try client.send(RawRequest.get("/__admin/uploads?\(query)", host: server.host).bytes)
        return client
    }

    @Test func waitAnswersAsSoonAsAnotherClientUploads() throws {
        let server = try TestServer.start()
        let started = ContinuousClock.now
        let waiter = try startWaiting(server, "wait_for=1&session=w&timeout_ms=20000")
        try server.upload(.upload(), session: "w")
        let listing = try UploadListing(try waiter.readResponse())
        #expect(listing.timedOut == false)
        #expect(listing.uploads.count == 1)
        #expect(listing.uploads.first?["session"] as? String == "w")
        #expect(ContinuousClock.now - started < .seconds(15), "answered long before the timeout")
    }

    @Test func waitCountsOnlyMatchingEntries() throws {
        let server = try TestServer.start()
        let waiter = try startWaiting(server, "wait_for=2&session=mine&timeout_ms=20000")
        try server.upload(.upload(), session: "mine")
        try server.upload(.upload(), session: "theirs")
        try server.upload(.upload(), session: "theirs")
        try server.upload(.upload(), session: "mine")
        let listing = try UploadListing(try waiter.readResponse())
        #expect(listing.timedOut == false)
        #expect(listing.ids == [1, 4])
    }

    @Test func alreadySatisfiedWaitAnswersAtOnce() throws {
        let server = try TestServer.start()
        try server.upload(.upload(), session: nil)
        let listing = try server.listing("wait_for=1&timeout_ms=60000")
        #expect(listing.timedOut == false)
        #expect(listing.ids == [1])
    }

    @Test func waitTimesOutWithWhatThereIs() throws {
        let server = try TestServer.start()
        try server.upload(.upload(), session: "t")
        let started = ContinuousClock.now
        let listing = try server.listing("wait_for=3&session=t&timeout_ms=150")
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        #expect(listing.timedOut == true)
        #expect(listing.ids == [1])
    }

    @Test func waitDoesNotBlockOtherRequestsOnTheSameWorker() throws {
        let server = try TestServer.start(workers: 1)
        let waiter = try startWaiting(server, "wait_for=1&session=late&timeout_ms=20000")
        let other = try server.connect()
        try other.send(RawRequest.get("/__admin/health", host: server.host).bytes)
        #expect(try other.readResponse().status == 200)
        try other.send(RawRequest.get("/__admin/uploads", host: server.host).bytes)
        #expect(try UploadListing(try other.readResponse()).uploads.isEmpty)
        try server.upload(.upload(), session: "early")
        try server.upload(.upload(), session: "late")
        let listing = try UploadListing(try waiter.readResponse())
        #expect(listing.timedOut == false)
        #expect(listing.ids == [2])
    }

    @Test func aWaitingConnectionIsKeptAliveForTheNextRequest() throws {
        let server = try TestServer.start()
        let waiter = try startWaiting(server, "wait_for=1&timeout_ms=50")
        #expect(try UploadListing(try waiter.readResponse()).timedOut == true)
        try waiter.send(RawRequest.get("/__admin/health", host: server.host).bytes)
        #expect(try waiter.readResponse().bodyText == #"{"status":"ok"}"#)
    }
}
