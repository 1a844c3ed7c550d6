import FoundationEssentials
import Haptik
import HTTP1

/// What an admin request gets: an answer now, or a wait for journal entries.
enum AdminAnswer {
    case response(Response)
    case wait(JournalWait)
}

/// `GET /__admin/uploads?wait_for=N`: answer once `count` entries match `filter`, or after
/// `timeoutSeconds` with those there are.
struct JournalWait {
    let filter: JournalFilter
    let count: Int
    let timeoutSeconds: Double
}

/// The admin API (CONTRACT §5-§10): journal, reset, clock, fixtures, OpenAPI, faults. Shared by
/// every worker; its state lives in thread-safe objects.
struct AdminEndpoint: Sendable {
    let journal: UploadJournal
    let store: FileStore
    let clock: MockClock
    let fixtures: FixtureSource
    let faults: FaultRules

    func answer(_ route: AdminRoute, body: [UInt8]) -> AdminAnswer {
        do {
            return try answerOrThrow(route, body: body)
        } catch {
            return .response(error.response)
        }
    }

    private func answerOrThrow(_ route: AdminRoute, body: [UInt8]) throws(AdminError) -> AdminAnswer {
        switch route {
        case .health:
            return .response(.health)
        case .listUploads(let query):
            let filter = try Self.filter(query)
            guard let count = try query.integer("wait_for") else { return .response(listing(filter, timedOut: nil)) }
            let timeout = try query.integer("timeout_ms") ?? 5_000
            guard journal.count(matching: filter) < count else { return .response(listing(filter, timedOut: false)) }
            return .wait(JournalWait(filter: filter, count: count, timeoutSeconds: Double(timeout) / 1000))
        case .deleteUploads(let session):
            store.delete(storedNames: journal.removeAll(session: session))
            return .response(.ok)
        case .upload(let id):
            guard let id = Int(id), let entry = journal.entry(id: id) else { throw .notFound }
            return .response(.json(status: 200, entry.json))
        case .setClock:
            let moment = try Self.clockSetting(body)
            clock.set(moment)
            var writer = JSONObjectWriter()
            if let moment { writer.add("clock", moment) } else { writer.addNull("clock") }
            return .response(.json(status: 200, writer.finish()))
        case .fixtures:
            return .response(.json(status: 200, fixtures.json))
        case .replaceFixtures:
            do {
                try fixtures.replace(with: Data(body))
            } catch {
                throw .badBody("\(error)")
            }
            return .response(.json(status: 200, fixtures.json))
        case .openAPI:
            return .response(.json(status: 200, OpenAPIDocument.bytes))
        case .addFault:
            do {
                return .response(.json(status: 201, faults.add(try FaultRule(json: body)).json))
            } catch {
                throw .badBody("\(error)")
            }
        case .listFaults:
            return .response(.json(status: 200, faults.json))
        case .deleteFaults:
            faults.removeAll()
            return .response(.ok)
        case .deleteFault(let id):
            guard let id = Int(id), faults.remove(id: id) else { throw .notFound }
            return .response(.ok)
        }
    }

    /// `{"uploads": [...], "dropped": N}`, plus `"timed_out"` for a wait.
    func listing(_ filter: JournalFilter, timedOut: Bool?) -> Response {
        let (entries, dropped) = journal.entries(matching: filter)
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (index, entry) in entries.enumerated() {
            if index > 0 { array.append(contentsOf: ", ".utf8) }
            array.append(contentsOf: entry.json)
        }
        array.append(UInt8(ascii: "]"))
        var writer = JSONObjectWriter(reservingCapacity: array.count + 64)
        writer.add("uploads", json: array)
        writer.add("dropped", dropped)
        if let timedOut { writer.add("timed_out", timedOut) }
        return .json(status: 200, writer.finish())
    }

    /// Whether `wait` is satisfied now.
    func isSatisfied(_ wait: JournalWait) -> Bool {
        journal.count(matching: wait.filter) >= wait.count
    }

    private static func filter(_ query: QueryParameters) throws(AdminError) -> JournalFilter {
        JournalFilter(status: query["status"], clientID: query["client_id"], authID: query["auth_id"],
                      messageType: query["message_type"], session: query["session"],
                      since: try query.integer("since"), limit: try query.integer("limit"))
    }

    /// `{"clock": "<ISO 8601>"}` fixes the clock; `{"clock": null}` restores real time.
    private static func clockSetting(_ body: [UInt8]) throws(AdminError) -> Timestamp? {
        struct Setting: Decodable {
            let clock: String?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                guard container.contains(.clock) else {
                    throw DecodingError.keyNotFound(CodingKeys.clock, .init(codingPath: [], debugDescription: ""))
                }
                clock = try container.decode(String?.self, forKey: .clock)
            }
            enum CodingKeys: String, CodingKey { case clock }
        }
        guard let setting = try? JSONDecoder().decode(Setting.self, from: Data(body)) else {
            throw .badBody(#"the body must be {"clock": "<ISO 8601 timestamp>"} or {"clock": null}"#)
        }
        guard let text = setting.clock else { return nil }
        guard let moment = Timestamp(iso8601: text) else { throw .badBody("clock is not an ISO 8601 timestamp: \(text)") }
        return moment
    }
}

extension Response {
    static let ok = Response.json(status: 200, Array(#"{"status":"ok"}"#.utf8))
}
