/// One request to the upload endpoint as the journal keeps it (CONTRACT §5-§6): what was sent,
/// what was answered, and what a test author may want to know about the file.
public struct JournalEntry: Sendable, Equatable {
    /// Increasing across the process; assigned by ``UploadJournal/append(_:)``.
    public internal(set) var id = 0
    public var receivedAt: Timestamp
    /// The answer's status; nil when the request ended unanswered (`"aborted"` in JSON).
    public var status: Int?
    /// Why it was not a 200 (`token_unknown`, `missing_field:auth_id`, ...); nil on 200.
    public var reason: String?
    public var clientID: String?
    public var authID: String?
    /// As sent; JSON shows digits-only text as a number.
    public var businessID: String?
    /// As sent; JSON shows digits-only text as a number.
    public var messageType: String?
    public var messageBody: String?
    /// The file part's name and declared Content-Type, as sent.
    public var fileName: String?
    public var contentType: String?
    /// The file's type from its first bytes: `png`, `jpeg`, `gif`, `webp`, `pdf`, or nil.
    public var sniffedType: String?
    public var size: Int?
    /// The SHA-256 of the file bytes read (lowercase hex in JSON).
    public var sha256: SHA256Hash?
    public var messageID: Int?
    public var fileURL: String?
    /// Body bytes read (after dechunking).
    public var bytesReceived = 0
    /// The `X-Mock-Session` header, if sent.
    public var session: String?
    /// `message_type_mismatch`, `extension_mismatch`, `empty_file`, `invalid_utf8`.
    public var warnings: [String] = []
    /// The fault that hit the request, if any (CONTRACT §10).
    public var fault: AppliedFault?
    /// The stored file's name, so a reset can delete it; not shown.
    public var storedName: String?

    public init(receivedAt: Timestamp, clientID: String? = nil, session: String? = nil) {
        self.receivedAt = receivedAt
        self.clientID = clientID
        self.session = session
    }

    /// The entry as the admin API shows it: every key, null where unknown.
    public func appendJSON(to writer: inout JSONObjectWriter) {
        writer.add("id", id)
        writer.add("received_at", receivedAt)
        if let status { writer.add("status", status) } else { writer.add("status", "aborted") }
        if status != 200 { writer.add("reason", reason) }   // absent on 200 (CONTRACT §6)
        writer.add("client_id", clientID)
        writer.add("auth_id", authID)
        writer.add("business_id", numberOrText: businessID)
        writer.add("message_type", numberOrText: messageType)
        writer.add("message_body", messageBody)
        writer.add("file_name", fileName)
        writer.add("content_type", contentType)
        writer.add("sniffed_type", sniffedType)
        writer.add("size", size)
        writer.add("sha256", sha256?.hex)
        writer.add("message_id", messageID)
        writer.add("file_url", fileURL)
        writer.add("bytes_received", bytesReceived)
        writer.add("session", session)
        writer.add("warnings", strings: warnings)
        if let fault { writer.add("fault", json: fault.json) } else { writer.addNull("fault") }
    }

    public var json: [UInt8] {
        var writer = JSONObjectWriter(reservingCapacity: 640)
        appendJSON(to: &writer)
        return writer.finish()
    }
}
