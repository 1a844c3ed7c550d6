public import FoundationEssentials
import Synchronization

/// The fixtures in use, replaceable while running (`PUT /__admin/fixtures`, SIGHUP): a new
/// document is validated whole, then swapped in at once. Readers check ``version`` (one atomic
/// load) and take the lock only when it changed.
public final class FixtureSource: Sendable {
    private let current: Mutex<(fixtures: Fixtures, authenticator: Authenticator)>
    private let counter = Atomic<Int>(0)
    /// Where SIGHUP re-reads from; nil for fixtures given in code.
    public let path: String?

    public init(_ fixtures: Fixtures, path: String? = nil) {
        current = Mutex((fixtures, Authenticator(fixtures: fixtures)))
        self.path = path
    }

    /// Changes each time a new document is swapped in.
    public var version: Int { counter.load(ordering: .acquiring) }

    public var fixtures: Fixtures { current.withLock { $0.fixtures } }

    public var authenticator: Authenticator { current.withLock { $0.authenticator } }

    /// Validates `json` as a whole fixture document and swaps it in; nothing changes if invalid.
    @discardableResult
    public func replace(with json: Data) throws(FixtureError) -> Fixtures {
        let fixtures = try Fixtures(json: json)
        swap(in: fixtures)
        return fixtures
    }

    /// Re-reads ``path``; nothing changes if it is unreadable or invalid.
    public func reload() throws(FixtureError) {
        guard let path else { return }
        swap(in: try Fixtures.load(path: path))
    }

    private func swap(in fixtures: Fixtures) {
        let authenticator = Authenticator(fixtures: fixtures)
        current.withLock { $0 = (fixtures, authenticator) }
        counter.wrappingAdd(1, ordering: .releasing)
    }

    /// The document as JSON (`GET /__admin/fixtures`), tokens included.
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(fixtures))) ?? Array(#"{"clients": []}"#.utf8)
    }
}
