import Foundation
import HaptikTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `haptik-mock` binary (CONTRACT §1): ready line, uploads with curl, SIGTERM, start-up
/// errors, environment variables.
@Suite struct ExecutableTests {
    /// Launches the binary on an OS-chosen port with a fresh storage directory and the repo's fixtures.
    private func launch(_ extra: [String] = [], environment: [String: String] = [:],
                        storage: TemporaryDirectory) throws -> MockProcess {
        try MockProcess(
            arguments: ["--port", "0", "--storage-dir", storage.path, "--fixtures", repositoryFixtures,
                        "--workers", "2"] + extra,
            environment: environment)
    }

    @Test func executableIsBuiltBesideTheTests() {
        #expect(MockProcess.executableURL != nil, "looked beside \(Bundle.main.bundleURL.path)")
    }

    @Test func printsListeningLineServesCurlAndExitsZeroOnSIGTERM() throws {
        let storage = try TemporaryDirectory()
        let mock = try launch(storage: storage)
        let port = try mock.awaitListening()
        #expect(port > 0)

        let result = try runCurl([
            "-sS", "--max-time", "20", "-X", "POST", "http://127.0.0.1:\(port)/v1.0/log_file_from_user/",
            "-H", "Authorization: Bearer demo-token", "-H", "client-id: demo-client",
            "-H", "Content-Type: multipart/form-data",
            "-F", "auth_id=user_002", "-F", "business_id=4321", "-F", "message_type=1",
            "-F", "file=@\(samplePNG)", "-F", "message_body=",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let receipt = try JSONDecoder().decode(UploadReceipt.self, from: Data(result.stdout))
        #expect(receipt.fileURL == "http://127.0.0.1:\(port)/content/\(receipt.storedName)")
        let stored = try Data(contentsOf: URL(fileURLWithPath: storage.appending(receipt.storedName)))
        #expect(stored == (try Data(contentsOf: URL(fileURLWithPath: samplePNG))))

        mock.signal(SIGTERM)
        mock.expectCleanExit()
        #expect(mock.remainingStdout() == "", "stdout carries only the Listening line")
        #expect(mock.stderrOutput().contains("request"), "info level logs a line per request to stderr")
        #expect(throws: RawHTTPClientError.self) { try RawHTTPClient(port: port, timeout: 2) }
    }

    /// The access log: one stderr line per request in the handler's format (the workers write it
    /// in batches, once per turn of their loop), none below info level.
    @Test(arguments: [("info", 3), ("warning", 0)])
    func accessLogHasOneLinePerRequest(level: String, expectedLines: Int) throws {
        let storage = try TemporaryDirectory()
        let mock = try launch(["--log-level", level], storage: storage)
        let port = try mock.awaitListening()
        for _ in 0..<2 {
            let result = try runCurl([
                "-sS", "--max-time", "20", "-o", "/dev/null", "http://127.0.0.1:\(port)/v1.0/log_file_from_user/",
                "-H", "Authorization: Bearer demo-token", "-H", "client-id: demo-client",
                "-F", "auth_id=user_001", "-F", "business_id=4321", "-F", "message_type=1", "-F", "file=@\(samplePNG)",
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try runCurl(["-sS", "--max-time", "20", "-o", "/dev/null", "http://127.0.0.1:\(port)/nowhere"]).status == 0)
        mock.signal(SIGTERM)
        mock.expectCleanExit()
        let lines = mock.stderrOutput().split(separator: "\n").filter { $0.contains(" request connection.id=") }
        #expect(lines.count == expectedLines, "\(lines)")
        let format = try Regex(#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info request connection\.id=\d+ "#
            + #"http\.method=(POST|GET) http\.path=\S+ http\.status=(200|404) http\.bytes=\d+ duration_us=\d+ worker=\d+"#)
        for line in lines { #expect(line.wholeMatch(of: format) != nil, "\(line)") }
        #expect(lines.filter { $0.contains("http.status=200 http.bytes=570") }.count == (expectedLines > 0 ? 2 : 0))
    }

    @Test func debugLevelLogsEachStoredUploadWithItsSHA256() throws {
        let storage = try TemporaryDirectory()
        let mock = try launch(["--log-level", "debug"], storage: storage)
        let port = try mock.awaitListening()
        let result = try runCurl([
            "-sS", "--max-time", "20", "-X", "POST", "http://127.0.0.1:\(port)/v1.0/log_file_from_user/",
            "-H", "Authorization: Bearer demo-token", "-H", "client-id: demo-client",
            "-F", "auth_id=user_001", "-F", "business_id=4321", "-F", "message_type=1", "-F", "file=@\(samplePNG)",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        mock.signal(SIGTERM)
        mock.expectCleanExit()
        let sha256 = "f64a90040e6f3bd98147f1daae98d79db34137c0944c7350ee148a795438c868"   // sha256sum Fixtures/sample.png
        let stored = mock.stderrOutput().split(separator: "\n").filter { $0.contains("upload stored") }
        #expect(stored.count == 1)
        #expect(stored.first?.contains("upload.sha256=\(sha256)") == true)
        #expect(stored.first?.contains("upload.bytes=73") == true)
    }

    @Test func sigintAlsoStopsWithExitZero() throws {
        let storage = try TemporaryDirectory()
        let mock = try launch(storage: storage)
        let port = try mock.awaitListening()
        let health = try RawHTTPClient(port: port, timeout: 5)
        try health.send(RawRequest.get("/__admin/health", host: "127.0.0.1:\(port)").bytes)
        #expect(try health.readResponse().status == 200)
        health.close()
        mock.signal(SIGINT)
        mock.expectCleanExit()
    }

    @Test func storageDirectoryIsCreatedWithParents() throws {
        let root = try TemporaryDirectory()
        let nested = root.appending("a/b/c")
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", nested, "--fixtures", repositoryFixtures])
        _ = try mock.awaitListening()
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory) && isDirectory.boolValue)
        mock.signal()
        mock.expectCleanExit()
    }

    @Test(arguments: [
        (["--port", "abc"], "--port"),
        (["--port", "70000"], "--port"),
        (["--max-file-size", "-5"], "--max-file-size"),
        (["--idle-timeout", "soon"], "--idle-timeout"),
        (["--log-level", "loud"], "--log-level"),
        (["--workers", "0"], "--workers"),
        (["--public-url", "ftp://x"], "--public-url"),
        (["--no-such-flag"], "--no-such-flag"),
    ])
    func badFlagValueExitsNonZeroNamingTheFlag(arguments: [String], flag: String) throws {
        let storage = try TemporaryDirectory()
        let mock = try MockProcess(arguments: ["--storage-dir", storage.path, "--fixtures", repositoryFixtures] + arguments)
        mock.expectFailedStart()
        #expect(mock.stderrOutput().contains(flag), "stderr: \(mock.stderrOutput())")
        #expect(!mock.remainingStdout().contains("Listening"))
    }

    @Test func missingFixtureFileExitsNonZeroNamingThePath() throws {
        let storage = try TemporaryDirectory()
        let missing = storage.appending("nowhere/fixtures.json")
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", storage.path, "--fixtures", missing])
        mock.expectFailedStart()
        #expect(mock.stderrOutput().contains(missing), "stderr: \(mock.stderrOutput())")
        #expect(mock.remainingStdout() == "")
    }

    @Test(arguments: ["", "not json", #"{"clients": [{"client_id": "x"}]}"#, #"{"clients": [{"client_id": "x", "tokens": [1]}]}"#])
    func invalidFixtureFileExitsNonZeroNamingThePath(content: String) throws {
        let storage = try TemporaryDirectory()
        let path = try storage.write(Array(content.utf8), to: "bad-fixtures.json")
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", storage.appending("s"), "--fixtures", path])
        mock.expectFailedStart()
        #expect(mock.stderrOutput().contains(path), "stderr: \(mock.stderrOutput())")
        #expect(mock.remainingStdout() == "")
    }

    @Test func portInUseExitsNonZeroNamingTheAddress() throws {
        let occupant = try TestServer.start()
        let storage = try TemporaryDirectory()
        let mock = try MockProcess(arguments: ["--port", String(occupant.port), "--storage-dir", storage.path,
                                               "--fixtures", repositoryFixtures])
        mock.expectFailedStart()
        #expect(mock.stderrOutput().contains("127.0.0.1:\(occupant.port)"), "stderr: \(mock.stderrOutput())")
        #expect(mock.remainingStdout() == "")
        // The occupant was not disturbed.
        #expect(try occupant.get("/__admin/health").status == 200)
    }

    /// Uploads `size` bytes to the process on `port` and returns the status.
    private func uploadStatus(port: Int, size: Int) throws -> Int {
        let form = MultipartForm.upload(file: TestFixtures.fileBytes(count: size))
        let client = try RawHTTPClient(port: port, timeout: 10)
        try client.send(RawRequest.upload(form, host: "127.0.0.1:\(port)", authorization: "Bearer demo-token",
                                          clientID: "demo-client").bytes)
        return try client.readResponse().status
    }

    @Test func maxFileSizeComesFromTheEnvironment() throws {
        let storage = try TemporaryDirectory()
        let mock = try launch(environment: ["HAPTIK_MOCK_MAX_FILE_SIZE": "100"], storage: storage)
        let port = try mock.awaitListening()
        #expect(try uploadStatus(port: port, size: 100) == 200)
        #expect(try uploadStatus(port: port, size: 101) == 413)
        mock.signal()
        mock.expectCleanExit()
    }

    @Test func flagWinsOverTheEnvironment() throws {
        let storage = try TemporaryDirectory()
        let mock = try launch(["--max-file-size", "1000"], environment: ["HAPTIK_MOCK_MAX_FILE_SIZE": "100"],
                              storage: storage)
        let port = try mock.awaitListening()
        #expect(try uploadStatus(port: port, size: 1000) == 200)
        #expect(try uploadStatus(port: port, size: 1001) == 413)
        mock.signal()
        mock.expectCleanExit()
    }

    @Test func badEnvironmentValueExitsNonZeroNamingTheVariable() throws {
        let storage = try TemporaryDirectory()
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", storage.path, "--fixtures", repositoryFixtures],
                                   environment: ["HAPTIK_MOCK_MAX_FILE_SIZE": "lots"])
        mock.expectFailedStart()
        #expect(mock.stderrOutput().contains("HAPTIK_MOCK_MAX_FILE_SIZE"), "stderr: \(mock.stderrOutput())")
    }

    @Test func portAndPublicURLComeFromTheEnvironment() throws {
        let storage = try TemporaryDirectory()
        let mock = try MockProcess(
            arguments: ["--storage-dir", storage.path, "--fixtures", repositoryFixtures],
            environment: ["HAPTIK_MOCK_PORT": "0", "HAPTIK_MOCK_PUBLIC_URL": "https://cdn.example.test"])
        let port = try mock.awaitListening()
        let form = MultipartForm.upload(authID: "anyone", businessID: "77")
        let client = try RawHTTPClient(port: port)
        try client.send(RawRequest.upload(form, host: "127.0.0.1:\(port)", authorization: "Bearer open-token",
                                          clientID: "open-client").bytes)
        let response = try client.readResponse()
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(receipt.fileURL == "https://cdn.example.test/content/\(receipt.storedName)")
        mock.signal()
        mock.expectCleanExit()
    }
}
