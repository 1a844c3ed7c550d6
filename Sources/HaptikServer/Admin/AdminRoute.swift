import HTTP1

/// A request to the admin API under `/__admin` (CONTRACT §5-§9), decided from the head.
enum AdminRoute: Equatable {
    case health
    case listUploads(QueryParameters)
    case deleteUploads(session: String?)
    case upload(id: String)
    case setClock
    case fixtures
    case replaceFixtures
    case openAPI
    case addFault
    case listFaults
    case deleteFaults
    case deleteFault(id: String)

    /// Whether the route reads a JSON body before answering.
    var takesBody: Bool { self == .setClock || self == .replaceFixtures || self == .addFault }

    /// The admin route for `head`, a 404/405 answer for an unknown path or method, or nil when
    /// the path is not under `/__admin`.
    static func route(_ head: RequestHead) -> Result<AdminRoute, AdminRouteFailure>? {
        let path = head.path
        guard path.hasPrefix("/__admin/") else { return nil }
        let method = head.method
        func only(_ allowed: String, _ route: AdminRoute) -> Result<AdminRoute, AdminRouteFailure> {
            method == allowed ? .success(route) : .failure(AdminRouteFailure(.methodNotAllowed(allow: allowed)))
        }
        switch path {
        case "/__admin/health":
            return only("GET", .health)
        case "/__admin/uploads":
            let query = QueryParameters(head.query)
            switch method {
            case "GET": return .success(.listUploads(query))
            case "DELETE": return .success(.deleteUploads(session: query["session"]))
            default: return .failure(AdminRouteFailure(.methodNotAllowed(allow: "GET, DELETE")))
            }
        case "/__admin/clock":
            return only("POST", .setClock)
        case "/__admin/fixtures":
            switch method {
            case "GET": return .success(.fixtures)
            case "PUT": return .success(.replaceFixtures)
            default: return .failure(AdminRouteFailure(.methodNotAllowed(allow: "GET, PUT")))
            }
        case "/__admin/openapi.json":
            return only("GET", .openAPI)
        case "/__admin/faults":
            switch method {
            case "GET": return .success(.listFaults)
            case "POST": return .success(.addFault)
            case "DELETE": return .success(.deleteFaults)
            default: return .failure(AdminRouteFailure(.methodNotAllowed(allow: "GET, POST, DELETE")))
            }
        case _ where path.hasPrefix("/__admin/uploads/"):
            return only("GET", .upload(id: String(path.dropFirst("/__admin/uploads/".count))))
        case _ where path.hasPrefix("/__admin/faults/"):
            return only("DELETE", .deleteFault(id: String(path.dropFirst("/__admin/faults/".count))))
        default:
            return .failure(AdminRouteFailure(.notFound))
        }
    }
}

/// The answer for an admin path or method that does not exist.
struct AdminRouteFailure: Error, Equatable {
    let response: Response
    init(_ response: Response) { self.response = response }
}
