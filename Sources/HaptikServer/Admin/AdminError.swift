import HTTP1

/// A refused admin request: always a 400 or 404 with a message.
enum AdminError: Error, Equatable {
    case badParameter(String)
    case badBody(String)
    case notFound

    var response: Response {
        switch self {
        case .badParameter(let message), .badBody(let message): .error(status: 400, message)
        case .notFound: .notFound
        }
    }
}
