import Foundation
import HaptikTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Security basics (CONTRACT §1 `--host`, §3 JSON answers, §4 Storage): the client's file name never
/// reaches a path, answers are valid JSON whatever bytes the client sent, the default bind is loopback.
@Suite struct SecurityTests {
    /// A stored name: 32 lowercase hex digits, a dot, 1–16 letters and digits.
    private static func isStoredName(_ name: String) -> Bool {
        name.wholeMatch(of: /[0-9a-f]{32}\.[A-Za-z0-9]{1,16}/) != nil
    }

    /// A token no other test run shares, for names that must not appear outside the storage directory.
    private static func uniqueMarker() -> String {
        "haptik-escape-\(UInt64.random(in: 0...UInt64.max))"
    }

    @Test(arguments: [
        ("../../../../../../tmp/MARKER.png", "png"),
        ("../MARKER.png", "png"),
        ("/tmp/MARKER.png", "png"),
        ("/tmp/MARKER", "jpg"),
        ("..\\..\\..\\MARKER.exe", "exe"),
        ("C:\\Windows\\MARKER.dll", "dll"),
        ("MARKER<NUL>.png", "png"),
        ("MARKER.png<NUL>.sh", "sh"),
        ("..", "jpg"),
        (".", "jpg"),
        ("", "jpg"),
        ("storage/../MARKER.png", "png"),
        ("%2e%2e%2fMARKER.png", "png"),
        ("MARKER./..", "jpg"),
        ("MARKER.p/ng", "jpg"),
        ("MARKER.abcdefghijklmnopq", "jpg"),
        (String(repeating: "../", count: 1_000) + "MARKER.png", "png"),
        (String(repeating: "a", count: 8_000) + "MARKER.pdf", "pdf"),
    ])
    func clientFileNameNeverReachesTheFileSystem(pattern: String, expectedExtension: String) throws {
        let server = try TestServer.start()
        let marker = Self.uniqueMarker()
        // `<NUL>` stands for a NUL byte, kept out of the arguments so that test reports print whole.
        let filename = pattern.replacingOccurrences(of: "MARKER", with: marker).replacingOccurrences(of: "<NUL>", with: "\u{0}")
        let file = TestFixtures.fileBytes(count: 2_000)
        let response = try server.upload(.upload(file: file, filename: filename))
        if filename.contains("\u{0}"), response.status == 400 {
            // A NUL in a part header may be refused as malformed (RFC 9110 §5.5): then nothing is stored.
            expectError(response, status: 400)
            expectStorageEmpty(server)
        } else {
            let receipt = try #require(response.receipt, "\(response.status) \(response.bodyText.debugDescription)")
            #expect(Self.isStoredName(receipt.storedName), "stored as \(receipt.storedName)")
            #expect(receipt.storedName.hasSuffix(".\(expectedExtension)"), "stored as \(receipt.storedName)")
            #expect(server.storedFiles() == [receipt.storedName])
            #expect(server.storedBytes(receipt.storedName) == file)
        }
        // Nothing beside the storage directory, nothing named after the client's file anywhere near.
        #expect(directoryEntries(server.root.path) == ["storage"])
        for directory in ["/tmp", NSTemporaryDirectory(), server.root.path + "/..", FileManager.default.currentDirectoryPath] {
            let strays = directoryEntries(directory).filter { $0.contains(marker) }
            #expect(strays.isEmpty, "created in \(directory): \(strays)")
        }
    }

    @Test func fileNameTooLongForThePartHeadersIsRejectedAndLeavesNothing() throws {
        let server = try TestServer.start()
        let filename = String(repeating: "../", count: 10_000) + "x.png"
        let response = try server.connect().sendAndRead(.upload(.upload(filename: filename), host: server.host))
        expectError(response, status: 400)
        expectStorageEmpty(server)
        #expect(directoryEntries(server.root.path) == ["storage"])
    }

    // MARK: - Answers are JSON

    /// Bytes no answer may choke on: every C0 control, DEL, quotes and backslashes, invalid UTF-8
    /// (stray continuation bytes, overlong forms, surrogates, past U+10FFFF, truncated sequences),
    /// and the line and paragraph separators JavaScript treats as newlines.
    private static let hostileValues: [[UInt8]] = [
        Array(0x00...0x1F) + [0x7F],
        Array("\"quoted\" \\back\\slash\\ \\u0000 </script>".utf8),
        [0xFF, 0xFE, 0xFD],
        [0x80, 0xBF, 0x41],
        [0xC0, 0xAF, 0xE0, 0x80, 0xAF],   // overlong "/"
        [0xED, 0xA0, 0x80, 0xED, 0xBF, 0xBF],   // UTF-16 surrogates
        [0xF4, 0x90, 0x80, 0x80],   // past U+10FFFF
        [0x41, 0xE2, 0x82],   // truncated at the end
        [0xE2, 0x80, 0xA8, 0xE2, 0x80, 0xA9],   // U+2028, U+2029
        Array("😀 日本語 ü".utf8) + [0xC3],
    ]

    /// Seeded random byte strings of every byte value (CR and LF included).
    private static func randomValues(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SeededRandomNumberGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
    }

    /// Expects `response` to carry a JSON object body, as `application/json`.
    private func expectJSONObject(_ response: RawResponse, _ context: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.header("Content-Type") == "application/json", "\(context)", sourceLocation: sourceLocation)
        #expect(response.jsonObject != nil, "\(context): \(response.status) \(response.body)", sourceLocation: sourceLocation)
    }

    @Test func messageBodyOfAnyBytesComesBackAsValidJSON() throws {
        let server = try TestServer.start(workers: 2)
        for (index, value) in (Self.hostileValues + Self.randomValues(count: 100, seed: 0x15_0000)).enumerated() {
            var form = MultipartForm.upload()
            form.parts.append(.field(name: "message_body", value: value))
            let response = try server.upload(form)
            expectJSONObject(response, "message_body \(index) \(value)")
            #expect(response.status == 200, "message_body \(index) \(value): \(response.bodyText)")
            #expect(response.jsonObject?["message_body"] as? String == String(decoding: value, as: UTF8.self),
                    "message_body \(index) \(value): \(response.bodyText)")
        }
        // The journal repeats every message_body: still one valid JSON document.
        let journal = try server.get("/__admin/uploads")
        expectJSONObject(journal, "journal")
        #expect((journal.jsonObject?["uploads"] as? [Any])?.count == Self.hostileValues.count + 100)
    }

    @Test(arguments: ["auth_id", "business_id", "message_type"])
    func anyBytesInOtherFieldsGetAValidJSONError(field: String) throws {
        let server = try TestServer.start()
        for (index, value) in (Self.hostileValues + Self.randomValues(count: 30, seed: 0x15_0001)).enumerated() {
            var form = MultipartForm.upload()
            form.parts.removeAll {
                if case .field(let name, _) = $0 { return name == field }
                return false
            }
            form.parts.insert(.field(name: field, value: value), at: 0)
            let response = try server.connect().sendAndRead(.upload(form, host: server.host))
            expectJSONObject(response, "\(field) \(index) \(value)")
            #expect(response.status == 400 || response.status == 403, "\(field) \(index) \(value): \(response.bodyText)")
            #expect(response.errorMessage != nil, "\(field) \(index): \(response.bodyText)")
        }
        expectStorageEmpty(server)
    }

    @Test func anyBytesInTheFileNameAndTypeStillStoreSafelyAndAnswerJSON() throws {
        let server = try TestServer.start()
        for (index, value) in (Self.hostileValues + Self.randomValues(count: 30, seed: 0x15_0002)).enumerated() {
            // CR, LF and `"` would end the header line or the quoted string: the rest still may be anything.
            let safe = value.filter { $0 != 0x0D && $0 != 0x0A && $0 != 0x22 }
            let filename = String(decoding: safe, as: UTF8.self)
            var form = MultipartForm.upload(filename: filename, fileContentType: filename)
            form.parts.append(.text("message_body", "\(index)"))
            let response = try server.upload(form)
            expectJSONObject(response, "file name \(index) \(safe)")
            if let receipt = response.receipt {
                #expect(Self.isStoredName(receipt.storedName), "stored as \(receipt.storedName)")
            } else {
                #expect(response.errorMessage != nil, "file name \(index): \(response.status) \(response.bodyText)")
            }
        }
        #expect(server.storedFiles().allSatisfy(Self.isStoredName), "\(server.storedFiles())")
        // The journal keeps each file name and content type as sent: still one valid JSON document.
        expectJSONObject(try server.get("/__admin/uploads"), "journal")
        #expect(directoryEntries(server.root.path) == ["storage"])
    }

    @Test func hostileHostAndHeaderBytesStillAnswerValidJSON() throws {
        let server = try TestServer.start()
        let form = MultipartForm.upload()
        let hosts: [[UInt8]] = [
            Array("a\"b\\c".utf8), Array("x</script>".utf8), [0x68, 0xFF, 0xC3, 0x28], Array("h\u{7F}\u{1}".utf8),
            Array("日本.example".utf8),
        ]
        for (index, host) in hosts.enumerated() {
            // Built by hand: RawRequest takes text, these are bytes.
            var head = Array("POST /v1.0/log_file_from_user/ HTTP/1.1\r\nHost: ".utf8) + host
            head += Array("\r\nAuthorization: \(TestFixtures.bearer)\r\nclient-id: \(TestFixtures.clientID)\r\n".utf8)
            head += Array("Content-Type: \(form.contentType)\r\nContent-Length: \(form.body.count)\r\n\r\n".utf8)
            let response = try server.connect().sendAndRead(RawRequest(head: head, body: form.body))
            expectJSONObject(response, "Host \(index) \(host)")
            if response.status == 200 {
                #expect(response.receipt != nil, "Host \(index): \(response.bodyText)")
            }
        }
        // Headers the checks read, with bytes outside ASCII: still JSON errors.
        for value in [[0xFF, 0x00, 0x22], Array("\"}\\".utf8), [0xC3]] as [[UInt8]] {
            var head = Array("POST /v1.0/log_file_from_user/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ".utf8) + value
            head += Array("\r\nclient-id: ".utf8) + value + Array("\r\nContent-Length: 0\r\n\r\n".utf8)
            let response = try server.connect().sendAndRead(RawRequest(head: head, body: []))
            expectJSONObject(response, "credentials \(value)")
            #expect(response.status >= 400, "\(response.bodyText)")
        }
        for target in ["/content/%00%22%5C..", "/content/..%2F..%2Fetc%2Fpasswd", "/content/\"\\x", "/%FF%C3"] {
            expectJSONObject(try server.get(target), "GET \(target)")
        }
    }

    // MARK: - Default bind

    /// This machine's IPv4 addresses other than loopback (`getifaddrs`).
    private static func nonLoopbackIPv4Addresses() -> [in_addr] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [in_addr] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) {
                let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                if UInt32(bigEndian: ipv4.s_addr) >> 24 != 127 { addresses.append(ipv4) }
            }
            entry = current.pointee.ifa_next
        }
        return addresses
    }

    /// Connects to `address:port`; the errno of the failure, or 0 if it connected.
    private static func connectErrno(_ address: in_addr, port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(port).bigEndian)
        target.sin_addr = address
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0 ? 0 : errno
    }

    @Test func defaultBindIsLoopbackOnly() throws {
        let storage = try TemporaryDirectory()
        // No --host, and MockProcess drops any HAPTIK_MOCK_HOST from the environment.
        let mock = try MockProcess(arguments: ["--port", "0", "--storage-dir", storage.path, "--fixtures", repositoryFixtures])
        let port = try mock.awaitListening()   // requires `Listening on http://127.0.0.1:PORT`
        #expect(try healthStatus(port: port) == 200)
        for address in Self.nonLoopbackIPv4Addresses() {
            let text = String(cString: inet_ntoa(address))
            #expect(Self.connectErrno(address, port: port) == ECONNREFUSED, "\(text):\(port) should refuse")
        }
        mock.signal(SIGTERM)
        mock.expectCleanExit()
    }
}
