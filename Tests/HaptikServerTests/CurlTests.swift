import Foundation
import Haptik
import HaptikTestSupport
import Testing

/// The vendor's sample command, run with the real `/usr/bin/curl` against an in-process server
/// that uses the repository's fixture file.
@Suite struct CurlTests {
    private func startWithRepositoryFixtures(maxFileSize: Int = 10_485_760) throws -> TestServer {
        try TestServer.start(fixtures: Fixtures.load(path: repositoryFixtures), maxFileSize: maxFileSize)
    }

    /// The vendor's sample, adapted: `<BASE_URL>`, token, client, auth_id, business_id and file filled in.
    private func vendorSample(server: TestServer, messageType: String, file: String, token: String = "demo-token",
                              messageBody: String = "") -> [String] {
        [
            "-sS", "--max-time", "20",
            "-X", "POST",
            "http://\(server.host)/v1.0/log_file_from_user/",
            "-H", "Authorization: Bearer \(token)",
            "-H", "client-id: demo-client",
            "-H", "Content-Type: multipart/form-data",
            "-F", "auth_id=user_001",
            "-F", "business_id=4321",
            "-F", "message_type=\(messageType)",
            "-F", "file=@\(file)",
            "-F", "message_body=\(messageBody)",
        ]
    }

    @Test(arguments: [("1", samplePNG, "png"), ("52", samplePDF, "pdf")])
    func vendorSampleCommandUploadsTheFile(messageType: String, path: String, fileExtension: String) throws {
        let server = try startWithRepositoryFixtures()
        let result = try runCurl(vendorSample(server: server, messageType: messageType, file: path,
                                              messageBody: "sent by curl"))
        #expect(result.status == 0, "\(result.stderr)")
        let receipt = try JSONDecoder().decode(UploadReceipt.self, from: Data(result.stdout))
        #expect(receipt.messageType == Int(messageType))
        #expect(receipt.messageBody == "sent by curl")
        #expect(hasCreatedAtFormat(receipt.createdAt))
        #expect(receipt.fileURL == "http://\(server.host)/content/\(receipt.storedName)")
        #expect(receipt.storedName.hasSuffix(".\(fileExtension)"))
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(server.storedBytes(receipt.storedName) == original)

        // curl fetches the file_url; the bytes match the sample.
        let download = try runCurl(["-sS", "--max-time", "20", "-f", receipt.fileURL])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(download.stdout == original)
        let headers = try runCurl(["-sS", "--max-time", "20", "-f", "-o", "/dev/null", "-w", "%{content_type}", receipt.fileURL])
        #expect(String(decoding: headers.stdout, as: UTF8.self) == (fileExtension == "png" ? "image/png" : "application/pdf"))
    }

    @Test func vendorSampleWithWrongTokenGets401() throws {
        let server = try startWithRepositoryFixtures()
        let arguments = vendorSample(server: server, messageType: "1", file: samplePNG, token: "wrong-token")
            + ["-w", "\n%{http_code}"]
        let result = try runCurl(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self)
            == "{\"error_message\": \"invalid authorization details\"}\n401")
        expectStorageEmpty(server)
    }

    @Test func curlSendsLargeFileWithExpectContinue() throws {
        let server = try startWithRepositoryFixtures()
        let directory = try TemporaryDirectory()
        let file = TestFixtures.fileBytes(count: 3_000_000, seed: 99)   // over 1 MiB: curl sends Expect: 100-continue
        let path = try directory.write(file, to: "big.bin")
        let result = try runCurl(vendorSample(server: server, messageType: "52", file: path) + ["-v"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Expect: 100-continue"))
        #expect(result.stderr.contains("HTTP/1.1 100 Continue"))
        let receipt = try JSONDecoder().decode(UploadReceipt.self, from: Data(result.stdout))
        #expect(receipt.storedName.hasSuffix(".bin"))
        #expect(server.storedBytes(receipt.storedName) == file)
    }

    @Test func curlLargeFileWithWrongTokenIsRefusedBeforeTheBody() throws {
        let server = try startWithRepositoryFixtures()
        let directory = try TemporaryDirectory()
        let path = try directory.write(TestFixtures.fileBytes(count: 3_000_000), to: "big.bin")
        let result = try runCurl(vendorSample(server: server, messageType: "52", file: path, token: "nope")
                                 + ["-v", "-o", "/dev/null", "-w", "%{http_code} %{size_upload}"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = String(decoding: result.stdout, as: UTF8.self).split(separator: " ")
        #expect(summary.first == "401")
        #expect(!result.stderr.contains("100 Continue"))
        #expect((summary.last.flatMap { Double($0) } ?? .infinity) < 3_000_000, "curl sent the whole body")
        expectStorageEmpty(server)
    }

    @Test func curlOverTheFileLimitGets413() throws {
        let server = try startWithRepositoryFixtures(maxFileSize: 50)
        let result = try runCurl(vendorSample(server: server, messageType: "1", file: samplePNG)
                                 + ["-o", "/dev/null", "-w", "%{http_code}"])
        let size = try FileManager.default.attributesOfItem(atPath: samplePNG)[.size] as? Int ?? 0
        try #require(size > 50, "the sample must be larger than the limit for this test")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "413", "\(result.stderr)")
        expectStorageEmpty(server)
    }

    /// README "Testing retries": curl's own `--retry` rides out two injected 503s.
    @Test func curlRetriesThroughTwoInjected503s() throws {
        let server = try startWithRepositoryFixtures()
        try server.addFault(#"{"status": 503, "times": 2, "headers": {"Retry-After": "0"}}"#)
        // Not -o /dev/null: curl truncates its output file before each retry.
        let output = server.root.appending("curl-output")
        let arguments = vendorSample(server: server, messageType: "1", file: samplePNG)
            + ["--retry", "3", "--retry-delay", "0", "-o", output, "-w", "%{http_code}"]
        let result = try runCurl(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "200")
        #expect(try server.entries().compactMap { $0["status"] as? Int } == [503, 503, 200])
    }

    /// A reset fault is what curl reports as "Recv failure: Connection reset by peer" (exit 56).
    @Test func curlSeesAResetFaultAsAConnectionReset() throws {
        let server = try startWithRepositoryFixtures()
        try server.addFault(#"{"reset_after_bytes": 100}"#)
        let result = try runCurl(vendorSample(server: server, messageType: "1", file: samplePNG))
        #expect(result.status == 56, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        expectStorageEmpty(server)
    }
}
