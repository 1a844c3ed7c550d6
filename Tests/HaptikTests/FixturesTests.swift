import Foundation
@testable import Haptik
import Testing

struct FixturesTests {
    @Test func decodesTheContractExample() throws {
        let json = #"{"clients": [{"client_id": "acme-client", "tokens": ["acme-token-1"], "business_ids": [4321], "auth_ids": ["user_001"]}]}"#
        let fixtures = try Fixtures(json: Data(json.utf8))
        #expect(fixtures == Fixtures(clients: [
            .init(clientID: "acme-client", tokens: ["acme-token-1"], authIDs: ["user_001"], businessIDs: [4321]),
        ]))
    }

    @Test func optionalListsMayBeAbsentOrEmpty() throws {
        let json = #"""
            {"clients": [
                {"client_id": "a", "tokens": ["ta"]},
                {"client_id": "b", "tokens": ["tb"], "auth_ids": [], "business_ids": []}
            ]}
            """#
        let fixtures = try Fixtures(json: Data(json.utf8))
        #expect(fixtures.clients.map(\.clientID) == ["a", "b"])
        #expect(fixtures.clients[0].authIDs == nil)
        #expect(fixtures.clients[0].businessIDs == nil)
        #expect(fixtures.clients[1].authIDs == [])
        #expect(fixtures.clients[1].businessIDs == [])
    }

    @Test func ignoresUnknownKeys() throws {
        let json = #"{"comment": "x", "clients": [{"client_id": "a", "tokens": ["t"], "note": 1}]}"#
        #expect(try Fixtures(json: Data(json.utf8)).clients.count == 1)
    }

    @Test func theShippedFixtureFileIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let fixtures = try Fixtures.load(path: root.appendingPathComponent("Fixtures/fixtures.json").path)
        #expect(!fixtures.clients.isEmpty)
        #expect(fixtures.clients.allSatisfy { !$0.tokens.isEmpty })
    }

    /// A document that breaks CONTRACT §2 and a fragment its error message must contain (the JSON path).
    @Test(arguments: [
        ("", "empty"),
        ("not json", "not valid JSON"),
        ("{\"clients\": [", "JSON"),
        ("{}", "clients"),
        (#"{"clients": {}}"#, "clients"),
        (#"{"clients": "acme"}"#, "clients"),
        (#"{"clients": null}"#, "clients"),
        (#"{"clients": [1]}"#, "clients[0]"),
        (#"{"clients": [{"tokens": ["t"]}]}"#, "clients[0].client_id"),
        (#"{"clients": [{"client_id": 7, "tokens": ["t"]}]}"#, "clients[0].client_id"),
        (#"{"clients": [{"client_id": "a"}]}"#, "clients[0].tokens"),
        (#"{"clients": [{"client_id": "a", "tokens": "t"}]}"#, "clients[0].tokens"),
        (#"{"clients": [{"client_id": "a", "tokens": [1]}]}"#, "clients[0].tokens[0]"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t", null]}]}"#, "clients[0].tokens[1]"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t"], "auth_ids": [5]}]}"#, "clients[0].auth_ids[0]"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t"], "auth_ids": "u"}]}"#, "clients[0].auth_ids"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t"], "business_ids": ["4321"]}]}"#, "clients[0].business_ids[0]"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t"], "business_ids": [1.5]}]}"#, "clients[0].business_ids: must be integers"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t"], "business_ids": [true]}]}"#, "clients[0].business_ids[0]"),
        (#"{"clients": [{"client_id": "a", "tokens": ["t"]}, {"client_id": "b"}]}"#, "clients[1].tokens"),
    ])
    func rejectsInvalidDocumentNamingWhere(json: String, fragment: String) {
        #expect {
            try Fixtures(json: Data(json.utf8))
        } throws: { error in
            guard let error = error as? FixtureError, case .invalid = error else { return false }
            return error.description.contains(fragment)
        }
    }

    @Test func rejectsATopLevelArrayOrScalar() {
        for json in ["[]", "42", "\"clients\"", "null"] {
            #expect(throws: FixtureError.self, "\(json)") { try Fixtures(json: Data(json.utf8)) }
        }
    }

    @Test func loadNamesAMissingFile() throws {
        let directory = try ScratchDirectory()
        let path = "\(directory.path)/absent.json"
        #expect {
            try Fixtures.load(path: path)
        } throws: { error in
            guard let error = error as? FixtureError, case .unreadable(let named, _) = error else { return false }
            return named == path && error.description.contains(path)
        }
    }

    @Test(arguments: [
        ("", "empty"),
        ("{\"clients\": ", "JSON"),
        (#"{"clients": [{"tokens": ["t"]}]}"#, "clients[0].client_id"),
    ])
    func loadNamesTheFileAndTheProblem(contents: String, fragment: String) throws {
        let directory = try ScratchDirectory()
        let path = try directory.write(contents, to: "fixtures.json")
        #expect {
            try Fixtures.load(path: path)
        } throws: { error in
            guard let error = error as? FixtureError, case .invalidFile(let named, _) = error else { return false }
            return named == path && error.description.contains(path) && error.description.contains(fragment)
        }
    }

    @Test func loadReadsAValidFile() throws {
        let directory = try ScratchDirectory()
        let path = try directory.write(#"{"clients": [{"client_id": "a", "tokens": ["t1", "t2"]}]}"#, to: "f.json")
        #expect(try Fixtures.load(path: path).clients == [.init(clientID: "a", tokens: ["t1", "t2"])])
    }
}
