/// The 200 answer to an accepted upload, in the vendor's key order.
public struct Receipt: Equatable, Sendable {
    public let messageID: Int
    public let messageBody: String
    public let createdAt: Timestamp
    public let messageType: MessageType
    public let fileURL: String

    public init(messageID: Int, messageBody: String, createdAt: Timestamp, messageType: MessageType, fileURL: String) {
        self.messageID = messageID
        self.messageBody = messageBody
        self.createdAt = createdAt
        self.messageType = messageType
        self.fileURL = fileURL
    }

    /// `{"message_id": 1, "message_body": "", "created_at": "...", "message_type": 1, "file_url": "..."}`
    public var json: [UInt8] {
        var writer = JSONObjectWriter(reservingCapacity: 160 + messageBody.utf8.count + fileURL.utf8.count)
        writer.add("message_id", messageID)
        writer.add("message_body", messageBody)
        writer.add("created_at", createdAt)
        writer.add("message_type", messageType.rawValue)
        writer.add("file_url", fileURL)
        return writer.finish()
    }
}
