public import FoundationEssentials

/// The clients the mock knows: their tokens, registered users and business ids (CONTRACT §2).
public struct Fixtures: Codable, Equatable, Sendable {
    /// One API client of the Haptik platform.
    public struct Client: Codable, Equatable, Sendable {
        public var clientID: String
        public var tokens: [String]
        /// Registered users; absent or empty lets any well-formed `auth_id` pass.
        public var authIDs: [String]?
        /// Allowed channels; absent or empty lets any numeric `business_id` pass.
        public var businessIDs: [Int]?

        public init(clientID: String, tokens: [String], authIDs: [String]? = nil, businessIDs: [Int]? = nil) {
            self.clientID = clientID
            self.tokens = tokens
            self.authIDs = authIDs
            self.businessIDs = businessIDs
        }

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
            case tokens
            case authIDs = "auth_ids"
            case businessIDs = "business_ids"
        }

        /// Decodes `business_ids` as numbers first, so that `1.5` is reported at its path as a
        /// non-integer instead of as a document that is not JSON.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            clientID = try container.decode(String.self, forKey: .clientID)
            tokens = try container.decode([String].self, forKey: .tokens)
            authIDs = try container.decodeIfPresent([String].self, forKey: .authIDs)
            businessIDs = try container.decodeIfPresent([Double].self, forKey: .businessIDs)?.map { number in
                guard number == number.rounded(), abs(number) < 9_007_199_254_740_992 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .businessIDs, in: container, debugDescription: "must be integers, found \(number)")
                }
                return Int(number)
            }
        }
    }

    public var clients: [Client]

    public init(clients: [Client]) {
        self.clients = clients
    }

    /// Decodes and validates a fixture document.
    /// - Throws: ``FixtureError`` naming what is wrong.
    public init(json: Data) throws(FixtureError) {
        guard !json.isEmpty else { throw .invalid("the file is empty") }
        do {
            self = try JSONDecoder().decode(Fixtures.self, from: json)
        } catch let error as DecodingError {
            throw .invalid(Self.describe(error))
        } catch {
            throw .invalid("\(error)")
        }
    }

    /// Reads and validates the fixture file at `path`.
    public static func load(path: String) throws(FixtureError) -> Fixtures {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: Self.describe(fileError: error))
        }
        do {
            return try Fixtures(json: data)
        } catch {
            throw .invalidFile(path: path, reason: error.reason)
        }
    }

    private static func describe(fileError error: any Error) -> String {
        if let error = error as? CocoaError, error.code == .fileReadNoSuchFile { return "no such file" }
        if let error = error as? CocoaError, error.code == .fileReadNoPermission { return "permission denied" }
        return "\(error)"
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\(path(context.codingPath)) has the wrong type (\(context.debugDescription))"
        @unknown default:
            "\(error)"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
}

/// Why a fixture document was refused.
public enum FixtureError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidFile(path: String, reason: String)
    case invalid(String)

    var reason: String {
        switch self {
        case .unreadable(_, let reason), .invalidFile(_, let reason), .invalid(let reason): reason
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read fixture file \(path): \(reason)"
        case .invalidFile(let path, let reason): "invalid fixture file \(path): \(reason)"
        case .invalid(let reason): "invalid fixtures: \(reason)"
        }
    }
}
