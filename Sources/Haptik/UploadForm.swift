/// The fields of one upload, collected part by part as the body streams in, in any order (the
/// file may come first). The file goes to a ``TemporaryFile`` as it arrives; text fields are
/// kept, each up to ``textFieldLimit`` bytes, and decoded once, when their part ends.
public struct UploadForm {
    /// The largest text field accepted (64 KiB).
    public static let textFieldLimit = 65_536

    /// A form that passed every check, ready to be stored.
    public struct Accepted {
        public let authID: String
        public let businessID: Int
        public let messageType: MessageType
        public let messageBody: String
        public let file: TemporaryFile
        public let filename: String?

        /// The stored file's extension: the file name's, else the message type's default.
        public var fileExtension: String {
            ContentTypes.extensionOf(filename: filename) ?? messageType.defaultExtension
        }
    }

    private enum Field: String, CaseIterable {
        case authID = "auth_id", businessID = "business_id", messageType = "message_type"
        case messageBody = "message_body", file

        /// The field a part name stands for: picked by length, then compared once, which is cheaper
        /// than `init(rawValue:)`'s generic string switch on the request path.
        static func named(_ name: String) -> Field? {
            let candidate: Field? = switch name.utf8.count {
            case 4: .file
            case 7: .authID
            case 11: .businessID
            case 12: name.utf8.last == UInt8(ascii: "e") ? .messageType : .messageBody
            default: nil
            }
            return candidate.flatMap { $0.rawValue == name ? $0 : nil }
        }

        var index: Int {
            switch self {
            case .authID: 0
            case .businessID: 1
            case .messageType: 2
            case .messageBody: 3
            case .file: 4
            }
        }
    }

    private let caller: Authenticator.Caller
    private let store: FileStore
    private let maxFileSize: Int
    /// The text fields, by ``Field`` (the file excluded): nil until the part begins, empty while it
    /// is being received, decoded when it ends.
    private var texts: [String?] = Array(repeating: nil, count: Field.allCases.count)
    /// The bytes of the text part being received.
    private var partBytes: [UInt8] = []
    /// Whether a text part that ended held invalid UTF-8.
    private var endedPartsHadInvalidUTF8 = false
    private var current: Field?
    public private(set) var file: TemporaryFile?
    /// The file part's name and declared type, as sent.
    public private(set) var filename: String?
    public private(set) var fileContentType: String?
    /// File bytes read past the size limit, neither written nor hashed.
    private var fileBytesRefused = 0

    public init(caller: Authenticator.Caller, store: FileStore, maxFileSize: Int) {
        self.caller = caller
        self.store = store
        self.maxFileSize = maxFileSize
    }

    /// A part named `name` begins. Unknown names are ignored, as the real API does.
    public mutating func beginPart(name: String, filename: String?, contentType: String?) throws {
        endPart()
        let field = Field.named(name)
        switch field {
        case .file:
            guard file == nil else { throw UploadRejection.duplicateField(name) }
            file = try store.createTemporaryFile()
            self.filename = filename
            fileContentType = contentType
        case .some(let field):
            guard texts[field.index] == nil else { throw UploadRejection.duplicateField(name) }
            texts[field.index] = ""
        case nil:
            break
        }
        current = field
    }

    /// More bytes of the current part. File bytes may be borrowed until the next ``flush()``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        switch current {
        case .file:
            guard let file else { return }
            guard file.size + bytes.count <= maxFileSize else {
                fileBytesRefused += bytes.count
                throw UploadRejection.fileTooLarge(limit: maxFileSize)
            }
            try file.append(bytes)
        case .some(let field):
            guard partBytes.count + bytes.count <= Self.textFieldLimit else {
                throw UploadRejection.fieldTooLong(name: field.rawValue, limit: Self.textFieldLimit)
            }
            partBytes.append(contentsOf: bytes)
        case nil:
            break
        }
    }

    public mutating func endPart() {
        if let field = current, field != .file {
            texts[field.index] = String(decoding: partBytes, as: UTF8.self)
            if Self.isInvalidUTF8(partBytes) { endedPartsHadInvalidUTF8 = true }
            partBytes.removeAll(keepingCapacity: true)
        }
        current = nil
    }

    /// Writes the file bytes gathered since the last flush. The caller calls it before the memory
    /// it handed to ``append(_:)`` changes (see ``TemporaryFile/append(_:)``).
    public func flush() throws(StorageError) {
        try file?.flush()
    }

    /// The text of a field as sent (invalid UTF-8 repaired to U+FFFD), or nil if it was not sent.
    public func text(_ name: String) -> String? {
        Field.named(name).flatMap(text)
    }

    /// The text of `field`: as decoded when its part ended, or as received so far.
    private func text(_ field: Field) -> String? {
        guard let ended = texts[field.index] else { return nil }
        return field == current ? String(decoding: partBytes, as: UTF8.self) : ended
    }

    /// Fills in what the form received, for the journal: the text fields as sent, the file's name,
    /// type, size, hash and sniffed type, and warnings for the test author.
    public func describe(into entry: inout JournalEntry) {
        entry.authID = text(.authID)
        entry.businessID = text(.businessID)
        entry.messageType = text(.messageType)
        entry.messageBody = text(.messageBody)
        entry.fileName = filename
        entry.contentType = fileContentType
        if endedPartsHadInvalidUTF8 || Self.isInvalidUTF8(partBytes)
            || filename.map(Self.containsReplacementCharacter) == true {
            entry.warnings.append("invalid_utf8")
        }
        guard let file else { return }
        entry.size = file.size + fileBytesRefused
        entry.sha256 = fileBytesRefused == 0 ? file.finishHash() : nil   // no hash of a file cut short
        entry.sniffedType = FileSniffer.type(of: file.leadingBytes)
        if entry.size == 0 { entry.warnings.append("empty_file") }
        if entry.messageType == "1", entry.sniffedType == "pdf" { entry.warnings.append("message_type_mismatch") }
        if let sniffed = entry.sniffedType,
           let claimed = ContentTypes.extensionOf(filename: filename).flatMap(FileSniffer.type(ofExtension:)),
           claimed != sniffed {
            entry.warnings.append("extension_mismatch")
        }
    }

    /// Checks every field against the vendor's rules and the caller's fixture.
    public func accept() throws(UploadRejection) -> Accepted {
        guard let authID = text(.authID) else { throw .missingField("auth_id") }
        guard !authID.isEmpty, authID.utf8.allSatisfy(Self.isAuthIDByte) else {
            throw .invalidField(name: "auth_id", reason: "must be letters, digits, '_' or '-'")
        }
        guard caller.isRegistered(authID: authID) else { throw .userNotRegistered }
        guard let businessText = text(.businessID) else { throw .missingField("business_id") }
        guard let businessID = Self.decimal(businessText) else {
            throw .invalidField(name: "business_id", reason: "must be a number")
        }
        guard caller.allows(businessID: businessID) else { throw .businessIDNotAllowed }
        guard let typeText = text(.messageType) else { throw .missingField("message_type") }
        guard let messageType = MessageType(text: typeText) else {
            throw .invalidField(name: "message_type", reason: "must be 1 (image) or 52 (document)")
        }
        guard let file else { throw .missingField("file") }
        return Accepted(authID: authID, businessID: businessID, messageType: messageType,
                        messageBody: text(.messageBody) ?? "", file: file, filename: filename)
    }

    /// Whether `text` holds U+FFFD (EF BF BD), i.e. invalid UTF-8 was repaired; a byte scan, not graphemes.
    private static func containsReplacementCharacter(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count >= 3 else { return false }
        var index = utf8.startIndex
        while let found = utf8[index...].firstIndex(of: 0xEF) {
            let rest = utf8[found...]
            if rest.starts(with: [0xEF, 0xBF, 0xBD]) { return true }
            index = utf8.index(after: found)
        }
        return false
    }

    /// Whether `bytes` are not valid UTF-8 (ASCII, the common case, is checked without decoding).
    private static func isInvalidUTF8(_ bytes: [UInt8]) -> Bool {
        !bytes.allSatisfy { $0 < 0x80 } && String(validating: bytes, as: UTF8.self) == nil
    }

    private static func isAuthIDByte(_ byte: UInt8) -> Bool {
        FileStore.isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Digits only, at most 18 of them.
    static func decimal(_ text: String) -> Int? {
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
