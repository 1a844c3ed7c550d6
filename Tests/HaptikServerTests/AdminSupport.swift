import Foundation
import HaptikTestSupport
import Testing

// Helpers for the admin API suites: requests to `/__admin`, the journal decoded loosely as JSON
// objects (so a test sees exactly which keys and JSON types the server sent), and SHA-256 by
// an independent implementation (`sha256sum`).

extension RawRequest {
    /// `method target` with an optional JSON body.
    static func admin(_ method: String, _ target: String, host: String, body: String? = nil) -> RawRequest {
        var headers: [(name: String, value: String)] = [("Host", host)]
        let bytes = Array((body ?? "").utf8)
        if body != nil || method == "PUT" || method == "POST" {
            headers += [("Content-Type", "application/json"), ("Content-Length", String(bytes.count))]
        }
        return RawRequest(head: head("\(method) \(target) HTTP/1.1", headers), body: bytes)
    }
}

/// `{"uploads": [...], "dropped": N, "timed_out"?: Bool}` as sent.
struct UploadListing {
    let uploads: [[String: Any]]
    let dropped: Int
    let timedOut: Bool?
    /// Every key of the answer.
    let keys: Set<String>

    init(_ response: RawResponse, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == 200, "body: \(response.bodyText)", sourceLocation: sourceLocation)
        let object = try #require(response.jsonObject, "not a JSON object: \(response.bodyText)",
                                  sourceLocation: sourceLocation)
        uploads = try #require(object["uploads"] as? [[String: Any]], sourceLocation: sourceLocation)
        dropped = try #require(object["dropped"] as? Int, sourceLocation: sourceLocation)
        timedOut = object["timed_out"] as? Bool
        keys = Set(object.keys)
    }

    var ids: [Int] { uploads.compactMap { $0["id"] as? Int } }
}

extension TestServer {
    /// An admin request on a new connection.
    func admin(_ method: String, _ target: String, body: String? = nil) throws -> RawResponse {
        try send(.admin(method, target, host: host, body: body))
    }

    /// `GET /__admin/uploads?query`, decoded.
    func listing(_ query: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> UploadListing {
        let target = query.isEmpty ? "/__admin/uploads" : "/__admin/uploads?\(query)"
        return try UploadListing(get(target), sourceLocation: sourceLocation)
    }

    /// The journal's entries for `query`.
    func entries(_ query: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try listing(query, sourceLocation: sourceLocation).uploads
    }

    /// Uploads `form` tagged with `session` (`X-Mock-Session`) and expects `status`.
    @discardableResult
    func upload(_ form: MultipartForm = .upload(), session: String?, expecting status: Int = 200,
                sourceLocation: SourceLocation = #_sourceLocation) throws -> RawResponse {
        let headers = session.map { [(name: "X-Mock-Session", value: $0)] } ?? []
        let response = try upload(form, extraHeaders: headers)
        #expect(response.status == status, "body: \(response.bodyText)", sourceLocation: sourceLocation)
        return response
    }
}

/// Whether `value` is JSON null (`NSNull` from `JSONSerialization`).
func isNull(_ value: Any?) -> Bool { value is NSNull }

/// Lowercase hex SHA-256 of `bytes`, computed by `/usr/bin/sha256sum`.
func sha256sum(_ bytes: [UInt8]) throws -> String {
    let directory = try TemporaryDirectory(prefix: "sha256")
    let path = directory.appending("data")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix(64))
}

/// The first bytes of a PNG, JPEG and PDF file followed by filler, for the sniffer.
enum MagicBytes {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 100)
    static let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + Array(repeating: 0x20, count: 100)
}
