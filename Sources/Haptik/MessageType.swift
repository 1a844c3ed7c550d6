/// The vendor's `message_type`: what kind of file the user sent.
public enum MessageType: Int, Sendable {
    case image = 1
    case document = 52

    /// Parses the field exactly as the vendor documents it: `1` or `52`, nothing else.
    public init?(text: String) {
        switch text {
        case "1": self = .image
        case "52": self = .document
        default: return nil
        }
    }

    /// The stored file's extension when the file name gives none.
    public var defaultExtension: String {
        switch self {
        case .image: "jpg"
        case .document: "pdf"
        }
    }
}

/// Maps stored files' extensions to the Content-Type they are served with (CONTRACT §4).
public enum ContentTypes {
    public static func forExtension(_ fileExtension: Substring) -> String {
        switch fileExtension.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "pdf": "application/pdf"
        default: "application/octet-stream"
        }
    }

    /// What follows the file name's last `.`, as sent, if it is 1-16 letters and digits; else nil.
    public static func extensionOf(filename: String?) -> String? {
        guard let filename, let dot = filename.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let candidate = filename.utf8[filename.utf8.index(after: dot)...]
        guard (1...16).contains(candidate.count), candidate.allSatisfy(FileStore.isAlphanumeric) else { return nil }
        return String(candidate)
    }
}
