import Foundation
import Haptik
import HTTP1
@testable import HaptikServer
import Multipart
import Testing

/// Every failure turns into the vendor's `{"error_message": "..."}` with one status (CONTRACT §3, §4).
struct ErrorMappingTests {
    /// The body as a dictionary; nil unless it is exactly one non-empty `error_message` string.
    static func errorMessage(_ response: Response) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              object.count == 1, let message = object["error_message"] as? String, !message.isEmpty
        else { return nil }
        return message
    }

    static func expectErrorShape(_ response: Response, status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.contentType == "application/json", sourceLocation: sourceLocation)
        #expect(errorMessage(response) != nil, "\(String(decoding: response.body, as: UTF8.self))",
                sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        (UploadRejection.unauthorized(.tokenUnknown), 401, "token_unknown"),
        (.unauthorized(.clientIDMismatch), 401, "client_id_mismatch"),
        (.userNotRegistered, 403, "user_not_registered"),
        (.missingField("auth_id"), 400, "missing_field:auth_id"),
        (.missingField("file"), 400, "missing_field:file"),
        (.duplicateField("file"), 400, "duplicate_field:file"),
        (.invalidField(name: "business_id", reason: "must be a number"), 400, "invalid_field:business_id"),
        (.fieldTooLong(name: "message_body", limit: 65_536), 400, "field_too_long:message_body"),
        (.businessIDNotAllowed, 400, "business_id_not_allowed"),
        (.fileTooLarge(limit: 10_485_760), 413, "file_too_large"),
    ])
    func uploadRejectionsMapToOneStatusAndReason(rejection: UploadRejection, status: Int, reason: String) {
        #expect(rejection.status == status)
        #expect(rejection.reason == reason)
        let response = Response.failure(rejection)
        Self.expectErrorShape(response, status: status)
        #expect(Self.errorMessage(response) == rejection.message)
        #expect(!response.closesConnection)
        #expect(Response.failure(rejection, beforeBodyEnd: true).closesConnection)
    }

    @Test func theVendorsDocumentedMessagesAreExact() {
        #expect(String(decoding: Response.failure(.unauthorized(.tokenUnknown)).body, as: UTF8.self)
                == #"{"error_message": "invalid authorization details"}"#)
        #expect(String(decoding: Response.failure(.unauthorized(.clientIDMismatch)).body, as: UTF8.self)
                == #"{"error_message": "invalid authorization details"}"#)
        #expect(String(decoding: Response.failure(.userNotRegistered).body, as: UTF8.self)
                == #"{"error_message": "user is not registered"}"#)
    }

    @Test func fieldErrorsNameTheField() {
        #expect(UploadRejection.missingField("message_type").message.contains("message_type"))
        #expect(UploadRejection.duplicateField("auth_id").message.contains("auth_id"))
        #expect(UploadRejection.invalidField(name: "auth_id", reason: "bad").message.contains("auth_id"))
        #expect(UploadRejection.fieldTooLong(name: "message_body", limit: 65_536).message.contains("message_body"))
        #expect(UploadRejection.fileTooLarge(limit: 123).message.contains("123"))
    }

    @Test func onlyAFileTooLargeIsAnsweredBeforeTheBodyEnds() {
        #expect(UploadRejection.fileTooLarge(limit: 1).answersBeforeBodyEnd)
        for other in [UploadRejection.unauthorized(.tokenUnknown), .userNotRegistered, .missingField("file"),
                      .duplicateField("file"), .invalidField(name: "a", reason: "b"),
                      .fieldTooLong(name: "a", limit: 1), .businessIDNotAllowed] {
            #expect(!other.answersBeforeBodyEnd, "\(other)")
        }
    }

    @Test(arguments: [
        (HTTPParseError.headTooLarge, 431), (.invalidLineEnding, 400), (.invalidRequestLine, 400),
        (.unsupportedVersion, 505), (.obsoleteLineFolding, 400), (.invalidHeaderField, 400), (.invalidHost, 400),
        (.invalidContentLength, 400), (.repeatedContentLength, 400), (.contentLengthWithTransferEncoding, 400),
        (.unsupportedTransferCoding, 501), (.invalidChunkSize, 400), (.invalidChunkFraming, 400),
    ])
    func framingErrorsAnswerTheirStatusAndClose(error: HTTPParseError, status: Int) {
        let response = Response.failure(error)
        Self.expectErrorShape(response, status: status)
        #expect(Self.errorMessage(response) == error.message)
        #expect(response.closesConnection)
    }

    @Test(arguments: [
        MultipartError.invalidBoundary, .truncated, .malformedDelimiter, .malformedPartHeaders,
        .partHeadersTooLarge, .missingContentDisposition,
    ])
    func malformedMultipartIs400(error: MultipartError) {
        let response = Response.failure(error)
        Self.expectErrorShape(response, status: 400)
        #expect(Self.errorMessage(response) == error.message)
    }

    @Test(arguments: [(StorageError.full, 507), (.failed("write: Input/output error"), 500)])
    func storageFailuresAnswerAtOnceAndClose(error: StorageError, status: Int) {
        let response = Response.failure(error)
        Self.expectErrorShape(response, status: status)
        #expect(Self.errorMessage(response) == error.message)
        #expect(response.closesConnection)
    }

    @Test func headCheckAnswersClose() {
        let tooLarge = Response.contentLengthTooLarge(limit: 10_485_760)
        Self.expectErrorShape(tooLarge, status: 413)
        #expect(tooLarge.closesConnection)
        Self.expectErrorShape(Response.notMultipart, status: 400)
        #expect(Response.notMultipart.closesConnection)
    }

    @Test func notFoundAndMethodNotAllowedUseTheErrorShape() {
        Self.expectErrorShape(Response.notFound, status: 404)
        let notAllowed = Response.methodNotAllowed(allow: "POST")
        Self.expectErrorShape(notAllowed, status: 405)
        #expect(notAllowed.extraHeaders.contains { $0.name == "Allow" && $0.value == "POST" })
    }

    static func route(_ method: String, _ target: String) throws -> Route {
        try Route(RequestHeadParser.parse(Array("\(method) \(target) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
    }

    @Test(arguments: [
        ("POST", "/v1.0/log_file_from_user/", Route.upload),
        ("POST", "/v1.0/log_file_from_user/?x=1", .upload),
        ("GET", "/content/abc.png", .content(name: "abc.png")),
        ("GET", "/content/abc.png?download=1", .content(name: "abc.png")),
        ("GET", "/__admin/health", .admin(.health)),
        ("GET", "/__admin/uploads/7", .admin(.upload(id: "7"))),
        ("DELETE", "/__admin/uploads?session=s", .admin(.deleteUploads(session: "s"))),
        ("PUT", "/__admin/fixtures", .admin(.replaceFixtures)),
        ("PUT", "/__admin/health", .fixed(.methodNotAllowed(allow: "GET"))),
        ("GET", "/__admin/nothing", .fixed(.notFound)),
        ("GET", "/v1.0/log_file_from_user/", .fixed(.methodNotAllowed(allow: "POST"))),
        ("PUT", "/v1.0/log_file_from_user/", .fixed(.methodNotAllowed(allow: "POST"))),
        ("post", "/v1.0/log_file_from_user/", .fixed(.methodNotAllowed(allow: "POST"))),
        ("POST", "/content/abc.png", .fixed(.methodNotAllowed(allow: "GET"))),
        ("DELETE", "/content/abc.png", .fixed(.methodNotAllowed(allow: "GET"))),
        ("GET", "/", .fixed(.notFound)),
        ("POST", "/", .fixed(.notFound)),
        ("POST", "/v1.0/log_file_from_user", .fixed(.notFound)),
        ("POST", "/v1.0/LOG_FILE_FROM_USER/", .fixed(.notFound)),
        ("GET", "/contentx/abc.png", .fixed(.notFound)),
        ("GET", "/favicon.ico", .fixed(.notFound)),
    ])
    func routesByPathThenMethod(method: String, target: String, expected: Route) throws {
        #expect(try Self.route(method, target) == expected)
    }
}
