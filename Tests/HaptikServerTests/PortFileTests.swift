import Foundation
import HaptikTestSupport
import Testing

/// `--port-file PATH` (CONTRACT §9): the Listening URL and a newline, written atomically before
/// the Listening line, nothing left beside it.
@Suite struct PortFileTests {
    @Test func portFileHoldsTheListeningURLBeforeTheListeningLine() throws {
        let directory = try TemporaryDirectory()
        let portFile = directory.appending("run/mock.url")
        try FileManager.default.createDirectory(atPath: directory.appending("run"), withIntermediateDirectories: false)
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", directory.appending("storage"),
                                               "--fixtures", repositoryFixtures, "--port-file", portFile])
        let port = try mock.awaitListening()
        let contents = try String(contentsOfFile: portFile, encoding: .utf8)
        #expect(contents == "http://127.0.0.1:\(port)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appending("run")) == ["mock.url"])
        let health = try RawHTTPClient(port: port)
        try health.send(RawRequest.get("/__admin/health", host: "127.0.0.1:\(port)").bytes)
        #expect(try health.readResponse().status == 200)
        mock.signal()
        mock.expectCleanExit()
    }

    @Test func portFileReplacesAStaleOne() throws {
        let directory = try TemporaryDirectory()
        let portFile = directory.appending("port")
        try Data("http://127.0.0.1:1\nstale and longer than the new contents\n".utf8)
            .write(to: URL(fileURLWithPath: portFile))
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", directory.appending("storage"),
                                               "--fixtures", repositoryFixtures, "--port-file", portFile])
        let port = try mock.awaitListening()
        #expect(try String(contentsOfFile: portFile, encoding: .utf8) == "http://127.0.0.1:\(port)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["port", "storage"])
        mock.signal()
        mock.expectCleanExit()
    }

    @Test func unwritablePortFileIsAStartupError() throws {
        let directory = try TemporaryDirectory()
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", directory.appending("storage"),
                                               "--fixtures", repositoryFixtures,
                                               "--port-file", directory.appending("missing/dir/port")])
        mock.expectFailedStart()
        #expect(mock.remainingStdout().isEmpty, "no Listening line")
        #expect(mock.stderrOutput().contains("missing/dir/port"))
    }
}
