public import FoundationEssentials
import Haptik

/// One request to the upload endpoint, as the journal kept it: accepted, rejected or aborted.
/// The same fields as `GET /__admin/uploads` shows (README, "Journal entries").
public struct RecordedUpload: Sendable, Equatable {
    /// How the request ended.
    public enum Status: Sendable, Equatable {
        /// Answered with this HTTP status.
        case answered(Int)
        /// Ended unanswered (the client went away mid-body, a timeout, shutdown, a reset or stall fault).
        case aborted
    }

    /// Increasing across the server's life, reset or not.
    public let id: Int
    public let receivedAt: Date
    public let status: Status
    /// Why it was not a 200 (`token_unknown`, `missing_field:auth_id`, `file_too_large`, ...); nil on 200.
    public let reason: String?
    public let clientID: String?
    public let authID: String?
    /// As sent (text): `"4321"`.
    public let businessID: String?
    /// As sent (text): `"1"` or `"52"` when valid.
    public let messageType: String?
    public let messageBody: String?
    /// The file part's filename and declared Content-Type, as sent.
    public let fileName: String?
    public let contentType: String?
    /// From the file's first bytes: `png`, `jpeg`, `gif`, `webp`, `pdf`, or nil.
    public let sniffedType: String?
    /// File bytes received.
    public let size: Int?
    /// Lowercase hex SHA-256 of the file's bytes.
    public let sha256: String?
    public let messageID: Int?
    public let fileURL: String?
    /// Body bytes read (after dechunking).
    public let bytesReceived: Int
    /// The `X-Mock-Session` header.
    public let session: String?
    /// `message_type_mismatch`, `extension_mismatch`, `empty_file`, `invalid_utf8`.
    public let warnings: [String]
    /// The fault that hit the request, if any (README, "Testing retries").
    public let fault: Fault?
    /// The stored file's path, for an accepted upload not yet reset.
    public let storedPath: String?

    /// A fault that hit a request: its rule (nil for an `X-Mock-Fault` header) and action field
    /// (`status`, `reset_after_bytes`, ...).
    public struct Fault: Sendable, Equatable {
        public let ruleID: Int?
        public let action: String

        public init(ruleID: Int?, action: String) {
            self.ruleID = ruleID
            self.action = action
        }
    }

    init(_ entry: JournalEntry, storageDirectory: String) {
        id = entry.id
        receivedAt = Date(timeIntervalSince1970: Double(entry.receivedAt.millisecondsSinceEpoch) / 1000)
        status = entry.status.map(Status.answered) ?? .aborted
        reason = entry.reason
        clientID = entry.clientID
        authID = entry.authID
        businessID = entry.businessID
        messageType = entry.messageType
        messageBody = entry.messageBody
        fileName = entry.fileName
        contentType = entry.contentType
        sniffedType = entry.sniffedType
        size = entry.size
        sha256 = entry.sha256?.hex
        messageID = entry.messageID
        fileURL = entry.fileURL
        bytesReceived = entry.bytesReceived
        session = entry.session
        warnings = entry.warnings
        fault = entry.fault.map { Fault(ruleID: $0.ruleID, action: $0.action.fieldName) }
        storedPath = entry.storedName.map { "\(storageDirectory)/\($0)" }
    }
}
