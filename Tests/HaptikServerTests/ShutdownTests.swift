import Foundation
import HaptikTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Graceful stop (CONTRACT §1 "SIGTERM/SIGINT"): listeners close at once, idle connections close,
/// requests in flight get the grace period.
@Suite struct ShutdownTests {
    /// Connects until the port refuses, within `timeout`. A connection accepted before the listener
    /// closed is dropped and retried.
    private func waitUntilRefused(port: Int, timeout: Duration = .seconds(5)) -> Bool {
        waitUntil(timeout: timeout) {
            do throws(RawHTTPClientError) {
                let probe = try RawHTTPClient(port: port, timeout: 1)
                probe.close()
                return false
            } catch {
                return error == .connectFailed(errno: ECONNREFUSED)
            }
        }
    }

    @Test func inFlightUploadCompletesAfterShutdownBeganWhileNewConnectionsAreRefused() throws {
        let server = try TestServer.start(shutdownGrace: 10)
        let file = TestFixtures.fileBytes(count: 400_000)
        let request = RawRequest.upload(.upload(file: file), host: server.host)
        let half = request.bytes.count / 2
        let client = try server.connect()
        try client.send(Array(request.bytes[..<half]))
        #expect(waitUntil { server.storedFiles().contains { $0.hasPrefix(".partial-") } })

        server.server.shutdown()
        #expect(waitUntilRefused(port: server.port), "the listener should close at once")

        try client.send(Array(request.bytes[half...]))
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(response.closesConnection, "no keep-alive while draining")
        #expect(server.storedBytes(receipt.storedName) == file)
        #expect(try client.readUntilEnd().end == .closed)
        server.server.waitUntilStopped()
    }

    @Test func idleConnectionsAreClosedAtOnce() throws {
        let server = try TestServer.start(shutdownGrace: 30)
        let idle = try server.connect(timeout: 5)
        let used = try server.connect(timeout: 5)
        try used.send(RawRequest.get("/__admin/health", host: server.host).bytes)
        #expect(try used.readResponse().status == 200)
        let clock = ContinuousClock()
        let start = clock.now
        server.server.shutdown()
        #expect(try idle.readUntilEnd().end == .closed)
        #expect(try used.readUntilEnd().end == .closed)
        server.server.waitUntilStopped()
        #expect(clock.now - start < .seconds(5), "idle connections must not wait for the 30 s grace")
    }

    @Test func stalledUploadIsCutAtTheEndOfTheGraceAndLeavesNoFile() throws {
        let server = try TestServer.start(shutdownGrace: 0.5)
        let request = RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: 400_000)), host: server.host)
        let client = try server.connect(timeout: 10)
        try client.send(Array(request.bytes.prefix(200_000)))
        #expect(waitUntil { server.storedFiles().contains { $0.hasPrefix(".partial-") } })
        let clock = ContinuousClock()
        let start = clock.now
        server.server.shutdown()
        let end = try client.readUntilEnd()
        #expect(end.end == .closed || end.end == .reset)
        server.server.waitUntilStopped()
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(5), "stopped after \(elapsed)")
        #expect(waitUntil { server.storedFiles().isEmpty }, "left behind: \(server.storedFiles())")
    }

    @Test func sigtermWithAnUploadInFlightLetsItFinishAndExitsZero() throws {
        let storage = try TemporaryDirectory()
        let mock = try MockProcess(arguments: [
            "--port", "0", "--storage-dir", storage.path, "--fixtures", repositoryFixtures,
            "--shutdown-grace", "10", "--workers", "2",
        ])
        let port = try mock.awaitListening()
        let host = "127.0.0.1:\(port)"
        let file = TestFixtures.fileBytes(count: 400_000)
        let request = RawRequest.upload(.upload(file: file), host: host, authorization: "Bearer demo-token",
                                        clientID: "demo-client")
        let half = request.bytes.count / 2
        let client = try RawHTTPClient(port: port, timeout: 10)
        try client.send(Array(request.bytes[..<half]))
        let partialSeen = waitUntil {
            ((try? FileManager.default.contentsOfDirectory(atPath: storage.path)) ?? []).contains { $0.hasPrefix(".partial-") }
        }
        #expect(partialSeen)

        let clock = ContinuousClock()
        let signalled = clock.now
        mock.signal(SIGTERM)
        #expect(waitUntilRefused(port: port), "new connections should be refused after SIGTERM")
        #expect(mock.process.isRunning, "the upload in flight holds the process open")

        try client.send(Array(request.bytes[half...]))
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(clock.now - signalled < .seconds(10), "answered within the grace period")
        let stored = try Data(contentsOf: URL(fileURLWithPath: storage.appending(receipt.storedName)))
        #expect(Array(stored) == file)
        mock.expectCleanExit()
        #expect(clock.now - signalled < .seconds(10), "exited without waiting for the whole grace")
    }
}
