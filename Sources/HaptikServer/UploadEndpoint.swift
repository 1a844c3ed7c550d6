import Haptik
import HTTP1
import Logging
import Multipart

/// `POST /v1.0/log_file_from_user/`: the checks on the head, then the streaming of the body into
/// an ``UploadForm``, then the answer. Shared by every worker; immutable.
struct UploadEndpoint: Sendable {
    let authenticator: Authenticator
    let store: FileStore
    let messageIDs: MessageIDs
    let maxFileSize: Int
    let publicURL: String?

    /// The head checks of CONTRACT §4, in order. Returns the upload to feed, or the answer to send
    /// at once (with `Connection: close`, the body unread).
    func begin(_ head: RequestHead) -> HeadCheck {
        let caller: Authenticator.Caller
        do {
            caller = try authenticator.authenticate(
                authorization: head.value(of: "authorization"), clientID: head.value(of: "client-id"))
        } catch {
            return .reject(.failure(error, beforeBodyEnd: true))
        }
        guard let contentType = head.value(of: "content-type"),
              let boundary = MultipartBoundary.from(contentType: contentType),
              let parser = try? MultipartParser(boundary: boundary)
        else { return .reject(.notMultipart) }
        if case .contentLength(let length) = head.framing, length > maxFileSize + 1_048_576 {
            return .reject(.contentLengthTooLarge(limit: maxFileSize))
        }
        let base = publicURL ?? "http://\(head.value(of: "host") ?? "localhost")"
        return .proceed(UploadInProgress(
            parser: parser, filler: FormFiller(form: UploadForm(caller: caller, store: store, maxFileSize: maxFileSize)),
            fileURLBase: base))
    }

    /// Stores an upload whose body was read whole and answers it; at debug level, logs what was
    /// stored with its SHA-256.
    func complete(_ upload: UploadInProgress, logger: Logger) -> Response {
        do {
            try upload.parser.finish()
            let accepted = try upload.filler.form.accept()
            let name = try store.commit(accepted.file, as: accepted.fileExtension)
            let receipt = Receipt(
                messageID: messageIDs.take(), messageBody: accepted.messageBody, createdAt: .now(),
                messageType: accepted.messageType, fileURL: "\(upload.fileURLBase)/content/\(name)")
            if logger.logLevel <= .debug {
                logger.debug("upload stored", metadata: [
                    "upload.message_id": "\(receipt.messageID)", "upload.file": "\(name)",
                    "upload.bytes": "\(accepted.file.size)", "upload.sha256": "\(accepted.file.finishHash())",
                ])
            }
            return .json(status: 200, receipt.json)
        } catch let error as MultipartError {
            return .failure(error)
        } catch let rejection as UploadRejection {
            return .failure(rejection)
        } catch let error as StorageError {
            return .failure(error)
        } catch {
            return .error(status: 500, "internal error: \(error)")
        }
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

    init(parser: MultipartParser, filler: FormFiller, fileURLBase: String) {
        self.parser = parser
        self.filler = filler
        self.fileURLBase = fileURLBase
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
