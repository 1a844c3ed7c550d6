import HaptikTestSupport
import Testing

/// Clients that leave or stall (CONTRACT §3): their partial files go, the server keeps serving, and
/// idle connections are closed after `--idle-timeout`.
@Suite struct ConnectionLifecycleTests {
    /// Sends the head and the first half of a 400 KB upload's body (well past any 64 KiB batch the
    /// server may gather before parsing), then waits until the server has opened its `.partial-*` file.
    private func startUpload(on server: TestServer, fileSize: Int = 400_000) throws -> RawHTTPClient {
        let request = RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: fileSize)), host: server.host)
        let client = try server.connect(timeout: 5)
        try client.send(request.head + request.body.prefix(request.body.count / 2))
        let started = waitUntil { server.storedFiles().contains { $0.hasPrefix(".partial-") } }
        #expect(started, "no .partial-* file appeared: \(server.storedFiles())")
        return client
    }

    @Test func clientLeavingMidUploadLeavesNoFileAndServerKeepsServing() throws {
        let server = try TestServer.start()
        let client = try startUpload(on: server)
        client.close()
        let cleaned = waitUntil { server.storedFiles().isEmpty }
        #expect(cleaned, "left behind: \(server.storedFiles())")

        let response = try server.upload(.upload())
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(server.storedFiles().count == 1)
    }

    @Test func clientResettingMidUploadLeavesNoFile() throws {
        let server = try TestServer.start()
        let client = try startUpload(on: server)
        client.abort()   // RST instead of FIN
        let cleaned = waitUntil { server.storedFiles().isEmpty }
        #expect(cleaned, "left behind: \(server.storedFiles())")
        #expect(try server.get("/__admin/health").status == 200)
    }

    @Test func clientHalfClosingMidUploadLeavesNoFile() throws {
        let server = try TestServer.start()
        let client = try startUpload(on: server)
        client.shutdownWrite()   // the body can never be completed
        let cleaned = waitUntil { server.storedFiles().isEmpty }
        #expect(cleaned, "left behind: \(server.storedFiles())")
        #expect(try server.get("/__admin/health").status == 200)
    }

    @Test func manyClientsLeavingMidUploadLeaveNothing() throws {
        let server = try TestServer.start(workers: 2)
        var clients: [RawHTTPClient] = []
        for _ in 0..<8 {
            let request = RawRequest.upload(.upload(file: TestFixtures.fileBytes(count: 300_000)), host: server.host)
            let client = try server.connect(timeout: 5)
            try client.send(request.head + request.body.prefix(150_000))
            clients.append(client)
        }
        #expect(waitUntil { server.storedFiles().count == 8 }, "\(server.storedFiles())")
        for (index, client) in clients.enumerated() {
            if index.isMultiple(of: 2) { client.close() } else { client.abort() }
        }
        #expect(waitUntil { server.storedFiles().isEmpty }, "left behind: \(server.storedFiles())")
    }

    @Test func stalledHeadIsClosedAfterTheIdleTimeout() throws {
        let server = try TestServer.start(idleTimeout: 0.5)
        let client = try server.connect(timeout: 5)
        let clock = ContinuousClock()
        let start = clock.now
        try client.send("POST /v1.0/log_file_from_user/ HTTP/1.1\r\nHost: x\r\n")   // the head never ends
        let end = try client.readUntilEnd()
        let elapsed = clock.now - start
        #expect(end.end == .closed || end.end == .reset)
        #expect(elapsed >= .milliseconds(400), "closed after \(elapsed)")
        #expect(elapsed < .seconds(4), "closed after \(elapsed)")
    }

    @Test func stalledBodyIsClosedAfterTheIdleTimeoutAndItsFileRemoved() throws {
        let server = try TestServer.start(idleTimeout: 0.5)
        let client = try startUpload(on: server)
        let end = try client.readUntilEnd()
        #expect(end.end == .closed || end.end == .reset)
        #expect(waitUntil { server.storedFiles().isEmpty }, "left behind: \(server.storedFiles())")
    }

    @Test func idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let server = try TestServer.start(idleTimeout: 0.5)
        let client = try server.connect(timeout: 5)
        try client.send(RawRequest.get("/__admin/health", host: server.host).bytes)
        #expect(try client.readResponse().status == 200)
        let clock = ContinuousClock()
        let start = clock.now
        let end = try client.readUntilEnd()
        let elapsed = clock.now - start
        #expect(end.bytes.isEmpty)
        #expect(end.end == .closed)
        #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(4), "closed after \(elapsed)")
    }

    @Test func connectionThatKeepsSendingIsNotCutByTheIdleTimeout() throws {
        let server = try TestServer.start(idleTimeout: 0.5)
        let client = try server.connect(timeout: 5)
        let clock = ContinuousClock()
        let start = clock.now
        var requests = 0
        // Busy for about three idle timeouts, never silent for long.
        while clock.now - start < .milliseconds(1500) {
            try client.send(RawRequest.get("/__admin/health", host: server.host).bytes)
            #expect(try client.readResponse().status == 200)
            requests += 1
        }
        #expect(requests > 1)
    }

    @Test func stalledConnectionsDoNotDelayOtherClients() throws {
        let server = try TestServer.start()
        var stalled: [RawHTTPClient] = []
        for _ in 0..<50 {
            let client = try server.connect()
            try client.send("POST /v1.0/log_file_from_user/ HTTP/1.1\r\nHost: x\r\n")
            stalled.append(client)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let response = try server.upload(.upload())
        #expect(response.status == 200)
        #expect(clock.now - start < .seconds(2))
        withExtendedLifetime(stalled) {}
    }
}
