import Foundation
import HaptikTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The storage failing under a running server (CONTRACT §4 "Timing", "Answers"): a full disk answers
/// 507, any other write failure 500, both as JSON errors at once; nothing partial stays on disk and
/// the server keeps serving. Full and read-only storage are a small tmpfs in a user and mount
/// namespace of the real binary's own (`unshare`), so the tests need no privilege.
@Suite struct StorageFaultTests {
    @Test func diskFillingUpMidUploadAnswers507LeavesNothingAndLaterUploadsSucceed() throws {
        let mountPoint = try TemporaryDirectory(prefix: "haptik-tmpfs")
        // 1 MiB, 600 KB of it taken by a filler file beside the storage directory.
        let mock = try MockProcess.onTmpfs(
            mountPoint: mountPoint.path, size: "1m", fillerBytes: 600_000,
            arguments: ["--port", "0", "--storage-dir", mountPoint.appending("storage"),
                        "--fixtures", repositoryFixtures, "--workers", "2", "--max-file-size", "4000000"])
        let port = try mock.awaitListening()
        let storage = mock.namespaced(mountPoint.appending("storage"))

        // 600 KB cannot fit in the ~450 KB left: the write fails part way through the body.
        let tooBig = TestFixtures.fileBytes(count: 600_000, seed: 1)
        let full = try RawHTTPClient(port: port, timeout: 10).sendAndRead(demoUpload(tooBig, port: port))
        expectError(full, status: 507)
        #expect(full.closesConnection)
        #expect(waitUntil { directoryEntries(storage).isEmpty }, "left behind: \(directoryEntries(storage))")
        #expect(try healthStatus(port: port) == 200)

        // The failed upload's partial file is gone, so its space is free again: 300 KB fits.
        let small = TestFixtures.fileBytes(count: 300_000, seed: 2)
        let accepted = try RawHTTPClient(port: port, timeout: 10).sendAndRead(demoUpload(small, port: port))
        let smallReceipt = try #require(accepted.receipt, "\(accepted.status) \(accepted.bodyText)")
        #expect(FileManager.default.contents(atPath: "\(storage)/\(smallReceipt.storedName)").map(Array.init) == small)

        // Freeing the filler makes room for the upload that failed.
        try FileManager.default.removeItem(atPath: mock.namespaced(mountPoint.appending("filler")))
        let retried = try RawHTTPClient(port: port, timeout: 10).sendAndRead(demoUpload(tooBig, port: port))
        let retriedReceipt = try #require(retried.receipt, "\(retried.status) \(retried.bodyText)")
        #expect(FileManager.default.contents(atPath: "\(storage)/\(retriedReceipt.storedName)").map(Array.init) == tooBig)
        #expect(directoryEntries(storage) == [smallReceipt.storedName, retriedReceipt.storedName].sorted())

        mock.signal(SIGTERM)
        mock.expectCleanExit()
    }

    @Test func storageRemountedReadOnlyAnswers500AndServerStaysHealthy() throws {
        let mountPoint = try TemporaryDirectory(prefix: "haptik-tmpfs")
        let mock = try MockProcess.onTmpfs(
            mountPoint: mountPoint.path, size: "4m",
            arguments: ["--port", "0", "--storage-dir", mountPoint.appending("storage"),
                        "--fixtures", repositoryFixtures, "--workers", "2"])
        let port = try mock.awaitListening()
        let storage = mock.namespaced(mountPoint.appending("storage"))
        let before = try RawHTTPClient(port: port).sendAndRead(demoUpload(TestFixtures.fileBytes(count: 20_000), port: port))
        let stored = try #require(before.receipt, "\(before.status) \(before.bodyText)")

        let remount = try mock.runInNamespace(["mount", "-o", "remount,ro", mountPoint.path])
        try #require(remount.status == 0, "remount failed: \(remount.stderr)")

        for size in [0, 20_000, 300_000] {
            let response = try RawHTTPClient(port: port).sendAndRead(
                demoUpload(TestFixtures.fileBytes(count: size), port: port))
            expectError(response, status: 500)
            #expect(response.errorMessage?.lowercased().contains("read-only") == true, "says why: \(response.bodyText)")
        }
        #expect(try healthStatus(port: port) == 200)
        #expect(directoryEntries(storage) == [stored.storedName])
        // Stored files are still served.
        let content = try RawHTTPClient(port: port)
        try content.send(RawRequest.get("/content/\(stored.storedName)", host: "127.0.0.1:\(port)").bytes)
        #expect(try content.readResponse().status == 200)

        mock.signal(SIGTERM)
        mock.expectCleanExit()
    }

    @Test func storageDirectoryRemovedWhileRunningAnswers500AndServerStaysHealthy() throws {
        let server = try TestServer.start(workers: 2)
        #expect(try server.upload(.upload()).status == 200)

        // Removed while an upload is half sent: its partial file goes with the directory.
        let file = TestFixtures.fileBytes(count: 400_000)
        let request = RawRequest.upload(.upload(file: file), host: server.host)
        let inFlight = try server.connect()
        try inFlight.send(Array(request.bytes.prefix(request.bytes.count / 2)))
        #expect(waitUntil { server.storedFiles().contains { $0.hasPrefix(".partial-") } })
        try FileManager.default.removeItem(atPath: server.storagePath)
        try inFlight.send(Array(request.bytes.dropFirst(request.bytes.count / 2)))
        expectError(try inFlight.readResponse(), status: 500)

        // New uploads while it is missing.
        for size in [0, 3_000, 200_000] {
            let response = try server.connect().sendAndRead(
                .upload(.upload(file: TestFixtures.fileBytes(count: size)), host: server.host))
            expectError(response, status: 500)
        }
        #expect(try server.get("/__admin/health").status == 200)

        // Back again: uploads work.
        try FileManager.default.createDirectory(atPath: server.storagePath, withIntermediateDirectories: false)
        let response = try server.upload(.upload(file: file))
        let receipt = try #require(response.receipt, "\(response.bodyText)")
        #expect(server.storedBytes(receipt.storedName) == file)
        #expect(server.storedFiles() == [receipt.storedName])
    }
}
