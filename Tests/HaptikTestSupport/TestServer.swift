import Foundation
public import Haptik
public import HaptikServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// An in-process ``HaptikServer`` on `127.0.0.1:<ephemeral port>` with its own storage directory,
/// for one test. ``start(fixtures:maxFileSize:publicURL:idleTimeout:shutdownGrace:workers:maxConnections:maxJournalEntries:clock:messageIDStart:allowsFaultHeaders:)`` returns
/// once the listener is bound, so the test can connect at once.
///
/// The storage directory is `<root>/storage`, where `root` is a fresh ``TemporaryDirectory``: tests
/// can put files beside it (to check `..` cannot reach them) and inside it (to check `.partial-*`
/// names are not served). Releasing the value begins a shutdown; ``stop()`` also waits for it.
public final class TestServer: Sendable {
    public let server: HaptikServer
    /// Holds `storage/`; removed with everything in it when the server is released.
    public let root: TemporaryDirectory
    /// The server's storage directory.
    public let storagePath: String
    public let configuration: ServerConfiguration

    /// The port the server bound.
    public var port: Int { server.port }
    /// `127.0.0.1:<port>`, the `Host` a client of this server sends.
    public var host: String { "127.0.0.1:\(port)" }

    private init(server: HaptikServer, root: TemporaryDirectory, storagePath: String,
                 configuration: ServerConfiguration) {
        self.server = server
        self.root = root
        self.storagePath = storagePath
        self.configuration = configuration
    }

    /// Starts a server with `fixtures` and limits, logging nowhere.
    public static func start(
        fixtures: Fixtures = TestFixtures.standard, maxFileSize: Int = 1_000_000, publicURL: String? = nil,
        idleTimeout: Double = 30, shutdownGrace: Double = 5, workers: Int = 1, maxConnections: Int = 256,
        maxJournalEntries: Int = 10_000, clock: Timestamp? = nil, messageIDStart: Int? = nil,
        allowsFaultHeaders: Bool = false
    ) throws -> TestServer {
        prepareProcess()
        let root = try TemporaryDirectory(prefix: "haptik-server-test")
        let storagePath = root.appending("storage")
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, workers: workers, fixtures: fixtures, storageDirectory: storagePath,
            publicURL: publicURL, maxFileSize: maxFileSize, idleTimeout: idleTimeout,
            shutdownGrace: shutdownGrace, maxConnections: maxConnections, maxJournalEntries: maxJournalEntries,
            clock: clock, messageIDStart: messageIDStart, allowsFaultHeaders: allowsFaultHeaders)
        let logger = Logger(label: "haptik-test") { _ in SwiftLogNoOpLogHandler() }
        let server = try HaptikServer.start(configuration, logger: logger)
        return TestServer(server: server, root: root, storagePath: storagePath, configuration: configuration)
    }

    /// What `ProcessSetup.prepare` does that matters in a test process: SIGPIPE ignored before any
    /// socket exists, so a client hanging up mid-answer cannot kill the test runner.
    public static func prepareProcess() {
        _ = processPrepared
    }

    private static let processPrepared: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    deinit {
        server.shutdown()
    }

    /// Begins a graceful stop and waits until every worker has ended.
    public func stop() {
        server.shutdown()
        server.waitUntilStopped()
    }

    // MARK: - Clients

    /// A new raw connection to the server.
    public func connect(timeout: Double = 10) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, timeout: timeout)
    }

    /// Sends `request` on a new connection and reads one answer.
    public func send(_ request: RawRequest) throws -> RawResponse {
        let client = try connect()
        defer { client.close() }
        try client.send(request.bytes)
        return try client.readResponse()
    }

    /// Uploads `form` on a new connection with the standard client's credentials unless others are given.
    public func upload(
        _ form: MultipartForm, authorization: String? = TestFixtures.bearer,
        clientID: String? = TestFixtures.clientID, host: String? = nil,
        extraHeaders: [(name: String, value: String)] = []
    ) throws -> RawResponse {
        try send(.upload(form, host: host ?? self.host, authorization: authorization, clientID: clientID,
                         extraHeaders: extraHeaders))
    }

    /// `GET target` on a new connection.
    public func get(_ target: String) throws -> RawResponse {
        try send(.get(target, host: host))
    }

    // MARK: - Storage

    /// Every entry of the storage directory, hidden ones (`.partial-*`) included, sorted.
    public func storedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: storagePath)) ?? []).sorted()
    }

    /// The bytes of the stored file `name`, or nil.
    public func storedBytes(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: "\(storagePath)/\(name)").map(Array.init)
    }
}

// MARK: - Fixtures

/// The fixtures in-process tests use, and the values that pass them.
public enum TestFixtures {
    public static let clientID = "acme-client"
    public static let token = "acme-token-1"
    public static let bearer = "Bearer \(token)"
    public static let authID = "user_001"
    public static let businessID = 4321
    /// A second client with its own token and lists.
    public static let otherClientID = "other-client"
    public static let otherToken = "other-token"
    /// A client without `auth_ids` or `business_ids`: any well-formed value passes.
    public static let openClientID = "open-client"
    public static let openToken = "open-token"

    public static let standard = Fixtures(clients: [
        .init(clientID: clientID, tokens: [token, "acme-token-2"], authIDs: [authID, "user_002"],
              businessIDs: [businessID, 12345]),
        .init(clientID: otherClientID, tokens: [otherToken], authIDs: ["someone"], businessIDs: [1]),
        .init(clientID: openClientID, tokens: [openToken]),
    ])

    /// `count` deterministic pseudo-random bytes, sprinkled with CR, LF and `-` so that a parser
    /// looking for `CRLF--boundary` meets near misses.
    public static func fileBytes(count: Int, seed: UInt64 = 7) -> [UInt8] {
        var generator = SeededRandomNumberGenerator(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            let value = UInt8(truncatingIfNeeded: generator.next())
            switch value % 16 {
            case 0: bytes[index] = 0x0D
            case 1: bytes[index] = 0x0A
            case 2: bytes[index] = UInt8(ascii: "-")
            default: bytes[index] = value
            }
        }
        return bytes
    }
}

// MARK: - Multipart bodies

/// A `multipart/form-data` body laid out exactly as `curl -F` (7.88) lays it out: boundary of 24
/// dashes and 16 hex digits; each part `--boundary CRLF`, `Content-Disposition: form-data;
/// name="..."` (plus `; filename="..."` and a `Content-Type` line for files), a blank line, the
/// content, CRLF; then `--boundary--` CRLF.
public struct MultipartForm: Sendable {
    /// One part, in the order it is sent.
    public enum Part: Sendable {
        case field(name: String, value: [UInt8])
        /// `filename` nil sends no `filename` parameter; `contentType` nil sends no Content-Type line.
        case file(name: String, filename: String?, contentType: String?, bytes: [UInt8])

        /// A text field with UTF-8 `value`.
        public static func text(_ name: String, _ value: String) -> Part { .field(name: name, value: Array(value.utf8)) }
    }

    public var parts: [Part]
    public var boundary: String

    public init(parts: [Part], boundary: String = MultipartForm.curlBoundary()) {
        self.parts = parts
        self.boundary = boundary
    }

    /// A boundary like curl 7.88's: 24 dashes and 16 random lowercase hex digits.
    public static func curlBoundary() -> String {
        String(repeating: "-", count: 24) + (0..<16).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
    }

    /// The `Content-Type` curl sends with this body.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The encoded body.
    public var body: [UInt8] {
        var bytes: [UInt8] = []
        for part in parts {
            bytes += Array("--\(boundary)\r\n".utf8)
            switch part {
            case .field(let name, let value):
                bytes += Array("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n".utf8)
                bytes += value
            case .file(let name, let filename, let contentType, let content):
                var disposition = "Content-Disposition: form-data; name=\"\(name)\""
                if let filename { disposition += "; filename=\"\(filename)\"" }
                bytes += Array("\(disposition)\r\n".utf8)
                if let contentType { bytes += Array("Content-Type: \(contentType)\r\n".utf8) }
                bytes += Array("\r\n".utf8)
                bytes += content
            }
            bytes += Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return bytes
    }

    /// The vendor's form: `auth_id`, `business_id`, `message_type`, then `file`, then `message_body`
    /// when given (the vendor's sample order). Passing nil leaves a field out.
    public static func upload(
        authID: String? = TestFixtures.authID, businessID: String? = String(TestFixtures.businessID),
        messageType: String? = "1", messageBody: String? = nil,
        file: [UInt8]? = TestFixtures.fileBytes(count: 3_000), filename: String? = "photo.png",
        fileContentType: String? = "image/png"
    ) -> MultipartForm {
        var parts: [Part] = []
        if let authID { parts.append(.text("auth_id", authID)) }
        if let businessID { parts.append(.text("business_id", businessID)) }
        if let messageType { parts.append(.text("message_type", messageType)) }
        if let file { parts.append(.file(name: "file", filename: filename, contentType: fileContentType, bytes: file)) }
        if let messageBody { parts.append(.text("message_body", messageBody)) }
        return MultipartForm(parts: parts)
    }
}

// MARK: - Requests

/// The bytes of one request, head and body kept apart so a test can send them separately
/// (`Expect: 100-continue`, a client leaving mid-body).
public struct RawRequest: Sendable {
    public var head: [UInt8]
    public var body: [UInt8]

    public init(head: [UInt8], body: [UInt8]) {
        self.head = head
        self.body = body
    }

    /// Head then body.
    public var bytes: [UInt8] { head + body }

    /// A head of `requestLine` and `headers`, each line ending in CRLF, then the blank line.
    public static func head(_ requestLine: String, _ headers: [(name: String, value: String)]) -> [UInt8] {
        var text = requestLine + "\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// An upload of `form`. nil `authorization` or `clientID` leaves the field out; `contentType`
    /// replaces the form's own, `omitContentType` leaves it out. With `chunkSize`, the body is sent chunked in
    /// chunks of that size, else with `Content-Length`.
    public static func upload(
        _ form: MultipartForm, host: String, authorization: String? = TestFixtures.bearer,
        clientID: String? = TestFixtures.clientID, contentType: String? = nil, omitContentType: Bool = false,
        extraHeaders: [(name: String, value: String)] = [], version: String = "HTTP/1.1",
        target: String = "/v1.0/log_file_from_user/", chunkSize: Int? = nil
    ) -> RawRequest {
        var headers: [(name: String, value: String)] = [("Host", host)]
        if let authorization { headers.append(("Authorization", authorization)) }
        if let clientID { headers.append(("client-id", clientID)) }
        if !omitContentType { headers.append(("Content-Type", contentType ?? form.contentType)) }
        headers += extraHeaders
        let payload = form.body
        let body: [UInt8]
        if let chunkSize {
            headers.append(("Transfer-Encoding", "chunked"))
            body = chunked(payload, chunkSize: chunkSize)
        } else {
            headers.append(("Content-Length", String(payload.count)))
            body = payload
        }
        return RawRequest(head: head("POST \(target) \(version)", headers), body: body)
    }

    /// A body-less `GET`.
    public static func get(
        _ target: String, host: String, version: String = "HTTP/1.1",
        extraHeaders: [(name: String, value: String)] = []
    ) -> RawRequest {
        RawRequest(head: head("GET \(target) \(version)", [("Host", host)] + extraHeaders), body: [])
    }

    /// `payload` in the chunked coding (RFC 9112 §7.1): hex sizes, CRLFs, a last chunk, no trailers.
    public static func chunked(_ payload: [UInt8], chunkSize: Int) -> [UInt8] {
        var body: [UInt8] = []
        var start = 0
        while start < payload.count {
            let end = min(payload.count, start + chunkSize)
            body += Array("\(String(end - start, radix: 16))\r\n".utf8)
            body += payload[start..<end]
            body += Array("\r\n".utf8)
            start = end
        }
        body += Array("0\r\n\r\n".utf8)
        return body
    }
}

// MARK: - Answers

/// The 200 answer's fields, decoded strictly: integers must be JSON numbers, strings JSON strings.
public struct UploadReceipt: Decodable, Equatable, Sendable {
    public let messageID: Int
    public let messageBody: String
    public let createdAt: String
    public let messageType: Int
    public let fileURL: String

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case messageBody = "message_body"
        case createdAt = "created_at"
        case messageType = "message_type"
        case fileURL = "file_url"
    }

    /// The stored file's name: the last path component of ``fileURL``.
    public var storedName: String {
        String(fileURL.split(separator: "/").last ?? "")
    }
}

extension RawResponse {
    /// The body as a JSON object, or nil if it is not one.
    public var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// The 200 answer decoded, or nil if the body is not exactly that shape.
    public var receipt: UploadReceipt? {
        try? JSONDecoder().decode(UploadReceipt.self, from: Data(body))
    }

    /// `error_message` when the body is exactly `{"error_message": "<non-empty string>"}`, else nil.
    public var errorMessage: String? {
        guard let object = jsonObject, object.count == 1, let message = object["error_message"] as? String,
              !message.isEmpty
        else { return nil }
        return message
    }
}

// MARK: - Waiting

/// Checks `condition` until it holds or `timeout` passes, pausing a few milliseconds between checks.
/// For conditions the server brings about asynchronously (a partial file deleted after a client left);
/// never a substitute for reading an answer.
/// - Returns: whether the condition held before the deadline.
public func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if condition() { return true }
        if clock.now >= deadline { return false }
        usleep(5_000)
    }
}
