import Haptik
import HTTP1
import Multipart

/// Every answer the server sends, in the vendor's JSON shape. The one place that turns a failure
/// into what the client sees.
extension Response {
    static func json(status: Int, _ body: [UInt8], closesConnection: Bool = false,
                     extraHeaders: [(name: String, value: String)] = []) -> Response {
        Response(status: status, contentType: "application/json", body: body,
                 extraHeaders: extraHeaders, closesConnection: closesConnection)
    }

    static func error(status: Int, _ message: String, closesConnection: Bool = false,
                      extraHeaders: [(name: String, value: String)] = []) -> Response {
        .json(status: status, JSONObjectWriter.errorBody(message), closesConnection: closesConnection,
              extraHeaders: extraHeaders)
    }

    /// A framing error: the next request's start is unknown, so the connection closes.
    static func failure(_ error: HTTPParseError) -> Response {
        .error(status: error.status, error.message, closesConnection: true)
    }

    static func failure(_ error: MultipartError) -> Response {
        .error(status: 400, error.message)
    }

    /// A 413 for the file or 401 on the head is sent before the body is read: close after it.
    static func failure(_ rejection: UploadRejection, beforeBodyEnd: Bool = false) -> Response {
        .error(status: rejection.status, rejection.message, closesConnection: beforeBodyEnd)
    }

    /// Storage failures are answered at once, mid-body: close after.
    static func failure(_ error: StorageError) -> Response {
        .error(status: error.status, error.message, closesConnection: true)
    }

    /// A `status` fault's answer, as its rule spells it.
    static func injected(_ answer: FaultAnswer) -> Response {
        Response(status: answer.status, contentType: answer.contentType, body: answer.body,
                 extraHeaders: answer.headers.map { ($0.name, $0.value) })
    }

    static let notFound = Response.error(status: 404, "not found")

    static func methodNotAllowed(allow: String) -> Response {
        .error(status: 405, "method not allowed", extraHeaders: [("Allow", allow)])
    }

    static let health = Response.json(status: 200, Array(#"{"status":"ok"}"#.utf8))

    static let notMultipart = Response.error(
        status: 400, "Content-Type must be multipart/form-data with a boundary", closesConnection: true)

    static func contentLengthTooLarge(limit: Int) -> Response {
        .failure(.fileTooLarge(limit: limit), beforeBodyEnd: true)
    }
}

extension UploadRejection {
    /// Whether the answer goes out before the rest of the body is read (CONTRACT §4 "Timing").
    var answersBeforeBodyEnd: Bool {
        if case .fileTooLarge = self { return true }
        return false
    }
}
