public import FoundationEssentials
public import Haptik
import HaptikServer
import Logging

/// haptik-mock inside the test process: a real HTTP server on `127.0.0.1:<ephemeral port>`,
/// with the journal, reset and wait of the admin API as Swift calls.
///
/// ```swift
/// let mock = try MockHaptik.start(fixtures: .init(clients: [
///     .init(clientID: "acme-client", tokens: ["acme-token"], authIDs: ["user_001"], businessIDs: [4321]),
/// ]))
/// defer { mock.stop() }
/// // point the SDK at mock.baseURL, upload, then:
/// let uploads = try await mock.waitForUploads(count: 1, timeout: .seconds(5))
/// ```
///
/// Every method may be called from any thread. The HTTP admin API (`/__admin/...`) is served too.
public final class MockHaptik: Sendable {
    /// The fixture document: clients, their tokens, registered `auth_id`s and `business_id`s.
    public typealias Fixtures = Haptik.Fixtures

    private let server: HaptikServer
    /// Where uploads are stored.
    public let storageDirectory: String
    /// Removed by ``stop()``: the temporary storage directory made by ``start(fixtures:storageDirectory:maxFileSize:clock:messageIDStart:)``.
    private let ownedDirectory: String?

    /// `http://127.0.0.1:PORT`: the SDK's base URL (uploads go to `baseURL + "/v1.0/log_file_from_user/"`).
    public var baseURL: String { server.url }
    /// The port bound.
    public var port: Int { server.port }

    private init(server: HaptikServer, storageDirectory: String, ownedDirectory: String?) {
        self.server = server
        self.storageDirectory = storageDirectory
        self.ownedDirectory = ownedDirectory
    }

    /// Starts a server and returns once it accepts connections. Ignores SIGPIPE in this process,
    /// as the server needs (a client hanging up mid-answer would otherwise end the process).
    /// - Parameters:
    ///   - fixtures: the clients the mock knows.
    ///   - storageDirectory: where uploads go (made with parents); nil makes a temporary one, removed by ``stop()``.
    ///   - maxFileSize: the largest file accepted, in bytes.
    ///   - clock: a fixed `created_at`; nil for real time. With it or `messageIDStart`, files are named `<message_id>.<ext>`.
    ///   - messageIDStart: the first `message_id`; nil starts at 1.
    /// - Throws: ``MockHaptikError/startFailed(_:)``.
    public static func start(fixtures: Fixtures, storageDirectory: String? = nil, maxFileSize: Int = 10_485_760,
                             clock: Date? = nil, messageIDStart: Int? = nil) throws(MockHaptikError) -> MockHaptik {
        let logger = Logger(label: "haptik-mock") { _ in SwiftLogNoOpLogHandler() }
        ProcessSetup.prepare(forConnections: 256, logger: logger)
        let directory: String
        let owned: String?
        if let storageDirectory {
            (directory, owned) = (storageDirectory, nil)
        } else {
            let temporary = FileManager.default.temporaryDirectory
                .appendingPathComponent("haptik-mock-\(UUID().uuidString)").path
            (directory, owned) = (temporary, temporary)
        }
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, workers: 2, fixtures: fixtures, storageDirectory: directory,
            maxFileSize: maxFileSize, maxConnections: 256,
            clock: clock.map { Timestamp(millisecondsSinceEpoch: Int64(($0.timeIntervalSince1970 * 1000).rounded())) },
            messageIDStart: messageIDStart)
        do {
            let server = try HaptikServer.start(configuration, logger: logger)
            return MockHaptik(server: server, storageDirectory: directory, ownedDirectory: owned)
        } catch {
            if let owned { try? FileManager.default.removeItem(atPath: owned) }
            throw .startFailed("\(error)")
        }
    }

    /// The journal's entries for `session` (every entry when nil), oldest first.
    public func uploads(session: String? = nil) -> [RecordedUpload] {
        server.journal.entries(matching: JournalFilter(session: session)).entries.map {
            RecordedUpload($0, storageDirectory: storageDirectory)
        }
    }

    /// Waits until at least `count` entries of `session` (of any session when nil) are journaled,
    /// and returns them. The journal cannot notify code outside the server, so this checks it
    /// every 10 ms; it returns within that of the upload's answer.
    /// - Throws: ``MockHaptikError/timedOut(_:)`` with the entries there are, or `CancellationError`.
    public func waitForUploads(count: Int, session: String? = nil,
                               timeout: Duration = .seconds(5)) async throws -> [RecordedUpload] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = uploads(session: session)
            if found.count >= count { return found }
            guard ContinuousClock.now < deadline else { throw MockHaptikError.timedOut(found) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Empties the journal and deletes the stored files, or only `session`'s. Ids continue.
    public func reset(session: String? = nil) {
        server.resetUploads(session: session)
    }

    /// Adds a fault rule after the others (README, "Testing retries"), given as its JSON object:
    /// `#"{"status": 503, "times": 2}"#`. Returns its id.
    /// - Throws: ``MockHaptikError/invalidFault(_:)`` naming the problem.
    @discardableResult
    public func addFault(_ json: String) throws(MockHaptikError) -> Int {
        do {
            return server.faults.add(try FaultRule(json: Array(json.utf8))).id
        } catch {
            throw .invalidFault(error.message)
        }
    }

    /// Removes the fault rule with `id`; false if it is unknown or retired.
    @discardableResult
    public func removeFault(id: Int) -> Bool {
        server.faults.remove(id: id)
    }

    /// Removes every fault rule.
    public func removeFaults() {
        server.faults.removeAll()
    }

    /// The fixtures in use.
    public var fixtures: Fixtures { server.fixtures.fixtures }

    /// Stops the server (requests in flight get 5 s) and waits for it; removes a temporary storage directory.
    public func stop() {
        server.shutdown()
        server.waitUntilStopped()
        if let ownedDirectory { try? FileManager.default.removeItem(atPath: ownedDirectory) }
    }
}

/// Why ``MockHaptik`` failed.
public enum MockHaptikError: Error, Sendable {
    /// The server could not start; the message names the address or directory.
    case startFailed(String)
    /// ``MockHaptik/waitForUploads(count:session:timeout:)`` ran out of time; the entries found.
    case timedOut([RecordedUpload])
    /// ``MockHaptik/addFault(_:)`` was given an invalid rule; the message names the problem.
    case invalidFault(String)
}
