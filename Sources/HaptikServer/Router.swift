import HTTP1

/// Where a request goes, decided from its head alone.
enum Route: Equatable {
    case upload
    case content(name: String)
    case admin(AdminRoute)
    /// Answered without looking further (404, 405), once the body has been read.
    case fixed(Response)

    static let uploadPath = "/v1.0/log_file_from_user/"
    static let contentPrefix = "/content/"

    init(_ head: RequestHead) {
        let path = head.path
        switch path {
        case Self.uploadPath:
            self = head.method == "POST" ? .upload : .fixed(.methodNotAllowed(allow: "POST"))
        case _ where path.hasPrefix("/__admin/"):
            switch AdminRoute.route(head) {
            case .success(let route): self = .admin(route)
            case .failure(let failure): self = .fixed(failure.response)
            case nil: self = .fixed(.notFound)
            }
        case _ where path.hasPrefix(Self.contentPrefix):
            self = head.method == "GET"
                ? .content(name: String(path.dropFirst(Self.contentPrefix.count)))
                : .fixed(.methodNotAllowed(allow: "GET"))
        default:
            self = .fixed(.notFound)
        }
    }
}
