import Foundation
@testable import Haptik
import Testing

/// Builds forms the way `UploadEndpoint` does: parts begun, fed in pieces, ended.
struct UploadFormTests {
    let directory: ScratchDirectory
    let store: FileStore

    init() throws {
        directory = try ScratchDirectory()
        store = try FileStore(directory: directory.path)
    }

    func caller(authIDs: [String]? = ["user_001"], businessIDs: [Int]? = [4321]) throws -> Authenticator.Caller {
        let fixtures = Fixtures(clients: [.init(clientID: "c", tokens: ["t"], authIDs: authIDs, businessIDs: businessIDs)])
        return try Authenticator(fixtures: fixtures).authenticate(authorization: "Bearer t", clientID: "c")
    }

    func makeForm(authIDs: [String]? = ["user_001"], businessIDs: [Int]? = [4321],
                  maxFileSize: Int = 1_000) throws -> UploadForm {
        UploadForm(caller: try caller(authIDs: authIDs, businessIDs: businessIDs), store: store, maxFileSize: maxFileSize)
    }

    static let validFields = [("auth_id", "user_001"), ("business_id", "4321"), ("message_type", "1")]

    /// Sends `fields` as text parts, then the file part when `file` is given.
    func fill(_ form: inout UploadForm, fields: [(String, String)] = validFields, file: [UInt8]? = [1, 2, 3],
              filename: String? = "photo.png") throws {
        for (name, value) in fields {
            try part(&form, name: name, Array(value.utf8))
        }
        if let file { try part(&form, name: "file", file, filename: filename, contentType: "image/png") }
    }

    func part(_ form: inout UploadForm, name: String, _ bytes: [UInt8], filename: String? = nil,
              contentType: String? = nil, chunk: Int = 7) throws {
        try form.beginPart(name: name, filename: filename, contentType: contentType)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try bytes[start..<end].withUnsafeBytes { try form.append($0) }
            start = end
        }
        form.endPart()
    }

    func expectRejection(_ expected: UploadRejection, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () throws -> Void) {
        #expect(sourceLocation: sourceLocation) {
            try body()
        } throws: { error in
            (error as? UploadRejection) == expected
        }
    }

    // MARK: - Accepted forms

    @Test func acceptsACompleteForm() throws {
        var form = try makeForm()
        try fill(&form, fields: Self.validFields + [("message_body", "hello ☃")])
        let accepted = try form.accept()
        #expect(accepted.authID == "user_001")
        #expect(accepted.businessID == 4321)
        #expect(accepted.messageType == .image)
        #expect(accepted.messageBody == "hello ☃")
        #expect(accepted.filename == "photo.png")
        #expect(accepted.file.size == 3)
        #expect(form.fileContentType == "image/png")
    }

    @Test func acceptsFieldsInAnyOrderFileFirst() throws {
        var form = try makeForm()
        try part(&form, name: "file", [9], filename: "a.pdf")
        try part(&form, name: "message_type", Array("52".utf8))
        try part(&form, name: "business_id", Array("4321".utf8))
        try part(&form, name: "auth_id", Array("user_001".utf8))
        let accepted = try form.accept()
        #expect(accepted.messageType == .document)
        #expect(accepted.messageBody == "")
    }

    @Test func ignoresUnknownPartsWhateverTheirSize() throws {
        var form = try makeForm()
        try part(&form, name: "extra", [UInt8](repeating: 0x41, count: 200_000), chunk: 65_536)
        try part(&form, name: "AUTH_ID", Array("nobody at all".utf8))
        try fill(&form)
        #expect(try form.accept().authID == "user_001")
        #expect(form.text("extra") == nil)
    }

    // MARK: - Missing and repeated fields

    @Test(arguments: ["auth_id", "business_id", "message_type", "file"])
    func rejectsAMissingField(_ missing: String) throws {
        var form = try makeForm()
        try fill(&form, fields: Self.validFields.filter { $0.0 != missing }, file: missing == "file" ? nil : [1])
        expectRejection(.missingField(missing)) { _ = try form.accept() }
        #expect(UploadRejection.missingField(missing).reason == "missing_field:\(missing)")
    }

    @Test(arguments: ["auth_id", "business_id", "message_type", "message_body", "file"])
    func rejectsARepeatedField(_ name: String) throws {
        var form = try makeForm()
        try fill(&form, fields: Self.validFields + [("message_body", "x")])
        expectRejection(.duplicateField(name)) { try form.beginPart(name: name, filename: nil, contentType: nil) }
    }

    @Test func aRepeatedEmptyFieldIsStillARepeat() throws {
        var form = try makeForm()
        try part(&form, name: "message_body", [])
        expectRejection(.duplicateField("message_body")) {
            try form.beginPart(name: "message_body", filename: nil, contentType: nil)
        }
    }

    // MARK: - auth_id

    @Test(arguments: ["user_001", "A", "z-9_", "---", "___", "0"])
    func acceptsAuthIDsOfLettersDigitsUnderscoreAndHyphen(authID: String) throws {
        var form = try makeForm(authIDs: nil)
        try fill(&form, fields: [("auth_id", authID), ("business_id", "4321"), ("message_type", "1")])
        #expect(try form.accept().authID == authID)
    }

    @Test(arguments: ["", " ", "user 001", "user.001", "user/001", "üser", "user\u{0}", "user\n", "a+b", "user_001 "])
    func rejectsAuthIDsOutsideTheCharset(authID: String) throws {
        var form = try makeForm(authIDs: nil)
        try fill(&form, fields: [("auth_id", authID), ("business_id", "4321"), ("message_type", "1")])
        #expect {
            try form.accept()
        } throws: { error in
            guard case .invalidField(let name, _)? = error as? UploadRejection else { return false }
            return name == "auth_id" && (error as? UploadRejection)?.status == 400
        }
    }

    @Test func rejectsAnUnregisteredUserWith403() throws {
        var form = try makeForm(authIDs: ["user_001"])
        try fill(&form, fields: [("auth_id", "user_002"), ("business_id", "4321"), ("message_type", "1")])
        expectRejection(.userNotRegistered) { _ = try form.accept() }
        #expect(form.text("auth_id") == "user_002")
    }

    @Test(arguments: [nil, []] as [[String]?])
    func anyWellFormedAuthIDPassesWhenTheClientListsNone(authIDs: [String]?) throws {
        var form = try makeForm(authIDs: authIDs)
        try fill(&form, fields: [("auth_id", "someone-else"), ("business_id", "4321"), ("message_type", "1")])
        #expect(try form.accept().authID == "someone-else")
    }

    // MARK: - business_id

    @Test(arguments: ["", "12a", "-4321", "+4321", " 4321", "4321 ", "43.21", "4,321", "0x10E1", "٤٣٢١", "1e3",
                      "1234567890123456789", "99999999999999999999999"])
    func rejectsABusinessIDThatIsNotDigitsOnly(text: String) throws {
        var form = try makeForm(businessIDs: nil)
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", text), ("message_type", "1")])
        #expect {
            try form.accept()
        } throws: { error in
            guard case .invalidField(let name, _)? = error as? UploadRejection else { return false }
            return name == "business_id"
        }
    }

    @Test func rejectsABusinessIDNotAmongTheClients() throws {
        var form = try makeForm(businessIDs: [4321, 1])
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "4322"), ("message_type", "1")])
        expectRejection(.businessIDNotAllowed) { _ = try form.accept() }
        #expect(UploadRejection.businessIDNotAllowed.reason == "business_id_not_allowed")
    }

    @Test(arguments: [nil, []] as [[Int]?])
    func anyNumericBusinessIDPassesWhenTheClientListsNone(businessIDs: [Int]?) throws {
        var form = try makeForm(businessIDs: businessIDs)
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "987654321"), ("message_type", "1")])
        #expect(try form.accept().businessID == 987_654_321)
    }

    // MARK: - message_type

    @Test(arguments: [("1", MessageType.image), ("52", MessageType.document)])
    func acceptsMessageTypes1And52(text: String, expected: MessageType) throws {
        var form = try makeForm()
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "4321"), ("message_type", text)])
        #expect(try form.accept().messageType == expected)
    }

    @Test(arguments: ["", "0", "2", "51", "53", "-1", "1.0", " 1", "image", "５２", "100000000000000000000"])
    func rejectsOtherMessageTypes(text: String) throws {
        var form = try makeForm()
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "4321"), ("message_type", text)])
        #expect {
            try form.accept()
        } throws: { error in
            guard case .invalidField(let name, _)? = error as? UploadRejection else { return false }
            return name == "message_type"
        }
    }

    // MARK: - Limits

    @Test(arguments: ["auth_id", "message_body", "business_id"])
    func textFieldsUpTo64KiBPassAndOneByteMoreIsTooLong(name: String) throws {
        var form = try makeForm()
        let limit = UploadForm.textFieldLimit
        #expect(limit == 65_536)
        try form.beginPart(name: name, filename: nil, contentType: nil)
        let full = [UInt8](repeating: UInt8(ascii: "a"), count: limit)
        try full.withUnsafeBytes { try form.append($0) }
        #expect(form.text(name)?.utf8.count == limit)
        expectRejection(.fieldTooLong(name: name, limit: limit)) {
            try [UInt8(ascii: "a")].withUnsafeBytes { try form.append($0) }
        }
        #expect(UploadRejection.fieldTooLong(name: name, limit: limit).status == 400)
    }

    @Test func aMessageBodyOfExactly64KiBIsAccepted() throws {
        var form = try makeForm()
        let body = String(repeating: "é", count: UploadForm.textFieldLimit / 2)
        try fill(&form, fields: Self.validFields + [("message_body", body)])
        #expect(try form.accept().messageBody == body)
    }

    @Test func aFileOfExactlyTheLimitPasses() throws {
        var form = try makeForm(maxFileSize: 1_000)
        try fill(&form, file: [UInt8](repeating: 7, count: 1_000))
        #expect(try form.accept().file.size == 1_000)
    }

    @Test(arguments: [1, 7, 1_001])
    func aFileOfOneByteOverTheLimitIsTooLarge(chunk: Int) throws {
        var form = try makeForm(maxFileSize: 1_000)
        try fill(&form, file: nil)
        expectRejection(.fileTooLarge(limit: 1_000)) {
            try part(&form, name: "file", [UInt8](repeating: 7, count: 1_001), filename: "x.png", chunk: chunk)
        }
        #expect(UploadRejection.fileTooLarge(limit: 1_000).status == 413)
        #expect(form.file?.size ?? 0 <= 1_000)
    }

    @Test func anEmptyFilePassesEvenWithALimitOfZero() throws {
        var form = try makeForm(maxFileSize: 0)
        try fill(&form, file: [])
        #expect(try form.accept().file.size == 0)
        var overfull = try makeForm(maxFileSize: 0)
        expectRejection(.fileTooLarge(limit: 0)) { try fill(&overfull, file: [1]) }
    }

    @Test func onlyFileBytesCountTowardTheFileLimit() throws {
        var form = try makeForm(maxFileSize: 10)
        try fill(&form, fields: Self.validFields + [("message_body", String(repeating: "b", count: 5_000))],
                 file: [UInt8](repeating: 1, count: 10))
        #expect(try form.accept().file.size == 10)
    }

    // MARK: - UTF-8 repair

    @Test(arguments: [
        ([0x61, 0xFF, 0x62], "a\u{FFFD}b"),
        ([0xC3], "\u{FFFD}"),
        ([0x61, 0xE2, 0x98], "a\u{FFFD}"),
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
        ([0xC3, 0xA9, 0x80], "é\u{FFFD}"),
    ] as [([UInt8], String)])
    func invalidUTF8InTextFieldsBecomesReplacementCharacters(bytes: [UInt8], expected: String) throws {
        var form = try makeForm()
        try fill(&form)
        try part(&form, name: "message_body", bytes, chunk: 1)
        #expect(form.text("message_body") == expected)
        #expect(try form.accept().messageBody == expected)
    }

    @Test func invalidUTF8InAnAuthIDIsRejectedNotPassedThrough() throws {
        var form = try makeForm(authIDs: nil)
        try part(&form, name: "auth_id", [0x75, 0xFF])
        try fill(&form, fields: [("business_id", "4321"), ("message_type", "1")])
        #expect(form.text("auth_id") == "u\u{FFFD}")
        #expect(throws: UploadRejection.self) { try form.accept() }
    }

    // MARK: - Extensions

    @Test(arguments: [
        ("photo.png", MessageType.image, "png"),
        ("photo.PNG", .image, "PNG"),
        ("Scan.Pdf", .image, "Pdf"),
        ("a.tar.gz", .document, "gz"),
        ("C:\\dir\\x.PNG", .image, "PNG"),
        ("../../etc/passwd", .image, "jpg"),
        ("../../etc/passwd", .document, "pdf"),
        ("../../x.sh", .document, "sh"),
        ("noextension", .image, "jpg"),
        ("noextension", .document, "pdf"),
        ("trailingdot.", .image, "jpg"),
        (".hidden", .document, "hidden"),
        ("x.abcdefghijklmnop", .image, "abcdefghijklmnop"),
        ("x.abcdefghijklmnopq", .image, "jpg"),
        ("x.p\u{0}g", .image, "jpg"),
        ("x.png\u{0}", .document, "pdf"),
        ("x.png\u{0}.exe", .document, "exe"),
        ("x.jp g", .image, "jpg"),
        ("x.tar-gz", .document, "pdf"),
        ("x.ünï", .image, "jpg"),
        ("x.png/evil", .image, "jpg"),
        ("dir.d/file", .document, "pdf"),
        ("file.png\\..\\x", .image, "jpg"),
        ("", .document, "pdf"),
        ("x.\u{FFFD}", .image, "jpg"),
        ("x.123", .document, "123"),
    ] as [(String, MessageType, String)])
    func extensionIsTheFilenamesIfShortAlphanumericElseTheTypesDefault(
        filename: String, type: MessageType, expected: String
    ) throws {
        var form = try makeForm()
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "4321"), ("message_type", "\(type.rawValue)")],
                 file: [0], filename: filename)
        #expect(try form.accept().fileExtension == expected)
    }

    @Test(arguments: [(MessageType.image, "jpg"), (.document, "pdf")])
    func aFilePartWithoutFilenameTakesTheTypesDefault(type: MessageType, expected: String) throws {
        var form = try makeForm()
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "4321"), ("message_type", "\(type.rawValue)")],
                 file: [0], filename: nil)
        #expect(try form.accept().fileExtension == expected)
        #expect(type.defaultExtension == expected)
    }

    // MARK: - Files on disk

    @Test func aFileThatIsDroppedWithoutCommitLeavesNothing() throws {
        do {
            var form = try makeForm()
            try fill(&form, file: Array("partial bytes".utf8))
            let entries = try directory.entries()
            #expect(entries.count == 1)
            #expect(entries.allSatisfy { $0.hasPrefix(".partial-") })
            _ = try form.accept()
        }
        #expect(try directory.entries() == [])
    }

    @Test func aRejectedFormLeavesNothingOnceDropped() throws {
        do {
            var form = try makeForm(maxFileSize: 4)
            try fill(&form, fields: [], file: nil)
            #expect(throws: UploadRejection.fileTooLarge(limit: 4)) { try fill(&form, fields: [], file: [1, 2, 3, 4, 5]) }
            #expect(try directory.entries().count == 1)
        }
        #expect(try directory.entries() == [])
        do {
            var form = try makeForm()
            try fill(&form, fields: [("auth_id", "stranger"), ("business_id", "4321"), ("message_type", "1")])
            #expect(throws: UploadRejection.userNotRegistered) { try form.accept() }
        }
        #expect(try directory.entries() == [])
    }

    @Test func aCommittedFileHasAnUnguessableNameAndTheBytesSent() throws {
        let bytes = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var form = try makeForm(maxFileSize: 10_000)
        try fill(&form, fields: [("auth_id", "user_001"), ("business_id", "4321"), ("message_type", "52")],
                 file: bytes, filename: "../../etc/passwd")
        let accepted = try form.accept()
        let name = try store.commit(accepted.file, as: accepted.fileExtension)
        #expect(name.wholeMatch(of: /[0-9a-f]{32}\.pdf/) != nil, "\(name)")
        #expect(try directory.entries() == [name])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(name)")) == Data(bytes))
        #expect(FileStore.isStoredName(name))
    }

    @Test func aCommittedFileOutlivesItsForm() throws {
        let name: String
        do {
            var form = try makeForm()
            try fill(&form, file: Array("kept".utf8), filename: "x.PNG")
            let accepted = try form.accept()
            name = try store.commit(accepted.file, as: accepted.fileExtension)
        }
        #expect(name.hasSuffix(".PNG"))
        #expect(try directory.entries() == [name])
        let opened = try #require(store.openStored(name: name))
        defer { close(opened.fd) }
        #expect(opened.size == 4)
    }
}
