/// Why an upload was refused. Each case has exactly one status and message, in the vendor's words
/// where the vendor documents it, and a machine-readable ``reason``.
public enum UploadRejection: Error, Equatable, Sendable {
    /// Why authentication failed; both answer the same 401, as the real API does.
    public enum AuthFailure: String, Sendable {
        case tokenUnknown = "token_unknown"
        case clientIDMismatch = "client_id_mismatch"
    }

    case unauthorized(AuthFailure)
    case userNotRegistered
    case missingField(String)
    case duplicateField(String)
    case invalidField(name: String, reason: String)
    case fieldTooLong(name: String, limit: Int)
    case businessIDNotAllowed
    case fileTooLarge(limit: Int)

    public var status: Int {
        switch self {
        case .unauthorized: 401
        case .userNotRegistered: 403
        case .fileTooLarge: 413
        case .missingField, .duplicateField, .invalidField, .fieldTooLong, .businessIDNotAllowed: 400
        }
    }

    public var message: String {
        switch self {
        case .unauthorized: "invalid authorization details"
        case .userNotRegistered: "user is not registered"
        case .missingField(let name): "\(name) is required"
        case .duplicateField(let name): "\(name) was sent more than once"
        case .invalidField(let name, let reason): "\(name) \(reason)"
        case .fieldTooLong(let name, let limit): "\(name) exceeds \(limit) bytes"
        case .businessIDNotAllowed: "business_id is not one of this client's"
        case .fileTooLarge(let limit): "file exceeds the maximum size of \(limit) bytes"
        }
    }

    /// A stable code for logs and the journal (`token_unknown`, `missing_field:auth_id`, ...).
    public var reason: String {
        switch self {
        case .unauthorized(let failure): failure.rawValue
        case .userNotRegistered: "user_not_registered"
        case .missingField(let name): "missing_field:\(name)"
        case .duplicateField(let name): "duplicate_field:\(name)"
        case .invalidField(let name, _): "invalid_field:\(name)"
        case .fieldTooLong(let name, _): "field_too_long:\(name)"
        case .businessIDNotAllowed: "business_id_not_allowed"
        case .fileTooLarge: "file_too_large"
        }
    }
}
