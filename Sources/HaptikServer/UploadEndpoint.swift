import Haptik
import HTTP1
import Logging
import Multipart

/// `POST /v1.0/log_file_from_user/`: the checks on the head, then the streaming of the body into
/// an ``UploadForm``, then the answer; every request is journaled, with the fault that hit it.
/// Shared by every worker; immutable.
struct UploadEndpoint: Sendable {
    let store: FileStore
    let messageIDs: MessageIDs
    let journal: UploadJournal
    let clock: MockClock
    let maxFileSize: Int
    let publicURL: String?
    /// Deterministic mode: stored files are named `<message_id>.<ext>`.
    let namesFilesByMessageID: Bool
    let faults: FaultRules
    /// `--allow-fault-headers`: honour `X-Mock-Fault`.
    let allowsFaultHeaders: Bool

    /// The head checks of CONTRACT §4, in order, then `X-Mock-Fault`'s (CONTRACT §10), then the
    /// choice of a pre-body fault. Returns the upload to feed, or the answer to send at once (with
    /// `Connection: close`, the body unread).
    func begin(_ head: RequestHead, authenticator: Authenticator) -> HeadCheck {
        var entry = JournalEntry(receivedAt: clock.now(), clientID: head.value(of: "client-id"),
                                 session: head.value(of: "x-mock-session"))
        let caller: Authenticator.Caller
        do {
            caller = try authenticator.authenticate(authorization: head.value(of: "authorization"),
                                                    clientID: entry.clientID)
        } catch {
            return reject(&entry, .failure(error, beforeBodyEnd: true), reason: error.reason)
        }
        guard let contentType = head.value(of: "content-type"),
              let boundary = MultipartBoundary.from(contentType: contentType),
              let parser = try? MultipartParser(boundary: boundary)
        else { return reject(&entry, .notMultipart, reason: "malformed_multipart") }
        if case .contentLength(let length) = head.framing, length > maxFileSize + 1_048_576 {
            return reject(&entry, .contentLengthTooLarge(limit: maxFileSize), reason: "file_too_large")
        }
        var faultHeader: FaultHeader?
        if allowsFaultHeaders, let value = head.value(of: "x-mock-fault") {
            do {
                faultHeader = try FaultHeader(value)
            } catch {
                return reject(&entry, .error(status: 400, "invalid X-Mock-Fault: \(error)", closesConnection: true),
                              reason: "invalid_fault_header")
            }
        }
        entry.fault = faults.fault(at: .head, header: faultHeader,
                                   for: FaultRequest(clientID: entry.clientID, session: entry.session))
        let base = publicURL ?? "http://\(head.value(of: "host") ?? "localhost")"
        return .proceed(UploadInProgress(
            parser: parser, filler: FormFiller(form: UploadForm(caller: caller, store: store, maxFileSize: maxFileSize)),
            fileURLBase: base, entry: entry, faultHeader: faultHeader, journal: journal))
    }

    private func reject(_ entry: inout JournalEntry, _ response: Response, reason: String) -> HeadCheck {
        entry.status = response.status
        entry.reason = reason
        journal.append(entry)
        return .reject(response)
    }

    /// Stores an upload whose body was read whole, journals it and answers it, unless an answer
    /// fault replaces the answer; at debug level, logs what was stored with its SHA-256.
    func complete(_ upload: UploadInProgress, bytesReceived: Int, logger: Logger) -> UploadAnswer {
        var entry = upload.entry
        entry.bytesReceived = bytesReceived
        upload.filler.form.describe(into: &entry)
        if let injected = applyAnswerFault(to: &entry, faultHeader: upload.faultHeader) { return injected }
        let response: Response
        do {
            try upload.parser.finish()
            let accepted = try upload.filler.form.accept()
            let messageID = messageIDs.take()
            let name = try store.commit(accepted.file, as: accepted.fileExtension,
                                        baseName: namesFilesByMessageID ? String(messageID) : nil)
            let receipt = Receipt(
                messageID: messageID, messageBody: accepted.messageBody, createdAt: clock.now(),
                messageType: accepted.messageType, fileURL: "\(upload.fileURLBase)/content/\(name)")
            if logger.logLevel <= .debug {
                logger.debug("upload stored", metadata: [
                    "upload.message_id": "\(messageID)", "upload.file": "\(name)",
                    "upload.bytes": "\(accepted.file.size)", "upload.sha256": "\(entry.sha256?.hex ?? "")",
                ])
            }
            (entry.messageID, entry.fileURL, entry.storedName) = (messageID, receipt.fileURL, name)
            response = .json(status: 200, receipt.json)
        } catch let error as MultipartError {
            (entry.reason, response) = ("malformed_multipart", .failure(error))
        } catch let rejection as UploadRejection {
            (entry.reason, response) = (rejection.reason, .failure(rejection))
        } catch let error as StorageError {
            (entry.reason, response) = (error.reason, .failure(error))
        } catch {
            (entry.reason, response) = ("internal_error", .error(status: 500, "internal error: \(error)"))
        }
        entry.status = response.status
        journal.append(entry)
        return UploadAnswer(response, fault: entry.fault)
    }
}

/// The answer to a completed upload, and how an answer fault changes its sending.
struct UploadAnswer {
    let response: Response
    /// `delay_ms`: how long to hold the answer back.
    let delaySeconds: Double?
    /// `close_after_response`: close once it is sent, though the connection could stay open.
    let closesAfterwards: Bool

    init(_ response: Response, fault: AppliedFault?) {
        self.response = response
        switch fault?.action {
        case .delay(let milliseconds)?:
            (delaySeconds, closesAfterwards) = (Double(milliseconds) / 1000, false)
        case .closeAfterResponse?:
            (delaySeconds, closesAfterwards) = (nil, true)
        default:
            (delaySeconds, closesAfterwards) = (nil, false)
        }
    }
}

extension UploadEndpoint {
    /// Chooses the request's answer fault, unless a pre-body fault hit it already. A `status`
    /// fault is journaled and answered here, instead of the upload: nothing is stored.
    private func applyAnswerFault(to entry: inout JournalEntry, faultHeader: FaultHeader?) -> UploadAnswer? {
        if entry.fault == nil {
            entry.fault = faults.fault(at: .answer, header: faultHeader, for: FaultRequest(
                clientID: entry.clientID, session: entry.session, authID: entry.authID,
                messageType: entry.messageType.flatMap { Int($0) }))
        }
        guard case .status(let answer)? = entry.fault?.action else { return nil }
        entry.status = answer.status
        entry.reason = "fault_status"
        journal.append(entry)
        return UploadAnswer(.injected(answer), fault: entry.fault)
    }
}

/// What the head checks decided.
enum HeadCheck {
    case proceed(UploadInProgress)
    case reject(Response)
}

/// One upload whose body is being read. A class, so that feeding it mutates the parser and form
/// in place instead of copying their buffers.
final class UploadInProgress {
    var parser: MultipartParser
    var filler: FormFiller
    let fileURLBase: String
    /// The journal entry so far: what the head said, and the pre-body fault chosen there.
    let entry: JournalEntry
    /// The request's honoured `X-Mock-Fault`, as sent and parsed: consulted again after the body.
    let faultHeader: FaultHeader?
    private let journal: UploadJournal

    init(parser: MultipartParser, filler: FormFiller, fileURLBase: String, entry: JournalEntry,
         faultHeader: FaultHeader?, journal: UploadJournal) {
        self.parser = parser
        self.filler = filler
        self.fileURLBase = fileURLBase
        self.entry = entry
        self.faultHeader = faultHeader
        self.journal = journal
    }

    /// The pre-body fault chosen at the head, if any.
    var preBodyFault: FaultAction? {
        guard let action = entry.fault?.action, action.isPreBody else { return nil }
        return action
    }

    /// Journals this upload as it stands, answered with `status` (nil: unanswered, "aborted").
    func journal(status: Int?, reason: String, bytesReceived: Int) {
        var entry = entry
        entry.status = status
        entry.reason = reason
        entry.bytesReceived = bytesReceived
        filler.form.describe(into: &entry)
        journal.append(entry)
    }

    /// Parses more body bytes. Throws ``MultipartError``, ``UploadRejection`` or ``StorageError``.
    func consume(_ data: UnsafeRawBufferPointer) throws {
        try parser.feed(data, to: &filler)
    }

    /// Writes the file bytes gathered so far; call before the memory given to ``consume(_:)`` changes.
    func flush() throws(StorageError) {
        try filler.form.flush()
    }
}

/// Hands the multipart parser's events to the form.
struct FormFiller: MultipartHandler {
    var form: UploadForm

    mutating func partStarted(_ headers: PartHeaders) throws {
        try form.beginPart(name: headers.name, filename: headers.filename, contentType: headers.contentType)
    }

    mutating func partBytes(_ bytes: UnsafeRawBufferPointer) throws {
        try form.append(bytes)
    }

    mutating func partEnded() throws {
        form.endPart()
    }
}
