@testable import Haptik
import Testing

struct AuthenticatorTests {
    static let fixtures = Fixtures(clients: [
        .init(clientID: "acme-client", tokens: ["acme-token-1", "acme-token-2"], authIDs: ["user_001"],
              businessIDs: [4321]),
        .init(clientID: "other-client", tokens: ["other-token"]),
    ])
    let authenticator = Authenticator(fixtures: Self.fixtures)

    @Test(arguments: [
        "Bearer acme-token-1", "bearer acme-token-1", "BEARER acme-token-1", "bEaReR acme-token-1",
        "Bearer acme-token-2",
    ])
    func acceptsBearerSchemeInAnyCase(authorization: String) throws {
        let caller = try authenticator.authenticate(authorization: authorization, clientID: "acme-client")
        #expect(caller.clientID == "acme-client")
    }

    @Test func eachTokenMapsToItsOwnClient() throws {
        let caller = try authenticator.authenticate(authorization: "Bearer other-token", clientID: "other-client")
        #expect(caller.clientID == "other-client")
    }

    @Test(arguments: [
        nil, "", "Bearer", "Bearer ", "Bearer    ", "acme-token-1", "Basic YWNtZS1jbGllbnQ6YWNtZS10b2tlbi0x",
        "Basic acme-token-1", "Token acme-token-1", "Beareracme-token-1", "Bearer unknown", "Bearer acme-token-1x",
        "Bearer ACME-TOKEN-1", "Bearer acme-token", "Bearer: acme-token-1",
    ] as [String?])
    func rejectsMissingMalformedOrUnknownTokens(authorization: String?) {
        #expect(throws: UploadRejection.unauthorized(.tokenUnknown)) {
            try authenticator.authenticate(authorization: authorization, clientID: "acme-client")
        }
    }

    @Test(arguments: [nil, "", "other-client", "ACME-CLIENT", "acme-client ", "acme"] as [String?])
    func rejectsAClientIDThatIsNotTheTokensClient(clientID: String?) {
        #expect(throws: UploadRejection.unauthorized(.clientIDMismatch)) {
            try authenticator.authenticate(authorization: "Bearer acme-token-1", clientID: clientID)
        }
    }

    @Test func bothFailuresAnswerTheSame401() {
        let unknown = UploadRejection.unauthorized(.tokenUnknown)
        let mismatch = UploadRejection.unauthorized(.clientIDMismatch)
        #expect(unknown.status == 401 && mismatch.status == 401)
        #expect(unknown.message == "invalid authorization details")
        #expect(mismatch.message == unknown.message)
        #expect(unknown.reason == "token_unknown")
        #expect(mismatch.reason == "client_id_mismatch")
    }

    @Test func callerChecksItsListedUsersAndBusinessIDs() throws {
        let caller = try authenticator.authenticate(authorization: "Bearer acme-token-1", clientID: "acme-client")
        #expect(caller.isRegistered(authID: "user_001"))
        #expect(!caller.isRegistered(authID: "user_002"))
        #expect(!caller.isRegistered(authID: "USER_001"))
        #expect(caller.allows(businessID: 4321))
        #expect(!caller.allows(businessID: 4322))
    }

    @Test func callerWithoutListsLetsAnyValuePass() throws {
        let caller = try authenticator.authenticate(authorization: "Bearer other-token", clientID: "other-client")
        #expect(caller.isRegistered(authID: "anyone"))
        #expect(caller.allows(businessID: 0))
        #expect(caller.allows(businessID: 987_654_321))
    }

    @Test func emptyListsLetAnyValuePass() throws {
        let authenticator = Authenticator(fixtures: Fixtures(clients: [
            .init(clientID: "c", tokens: ["t"], authIDs: [], businessIDs: []),
        ]))
        let caller = try authenticator.authenticate(authorization: "Bearer t", clientID: "c")
        #expect(caller.isRegistered(authID: "whoever"))
        #expect(caller.allows(businessID: 1))
    }

    @Test func noClientsMeansEveryTokenIsUnknown() {
        let authenticator = Authenticator(fixtures: Fixtures(clients: []))
        #expect(throws: UploadRejection.unauthorized(.tokenUnknown)) {
            try authenticator.authenticate(authorization: "Bearer acme-token-1", clientID: "acme-client")
        }
    }
}

/// The constant-time lookup (every known token's SHA-256 compared in full) still finds exactly the
/// right client: a token listed twice, tokens that are prefixes or extensions of known ones.
struct AuthenticatorTokenLookupTests {
    static let fixtures = Fixtures(clients: [
        .init(clientID: "first", tokens: ["shared", "abc", "abc"]),
        .init(clientID: "second", tokens: ["shared", "abcd", "x"]),
        .init(clientID: "third", tokens: [String(repeating: "t", count: 4_096)]),
    ])
    let authenticator = Authenticator(fixtures: Self.fixtures)

    @Test func aTokenRepeatedInOneClientStillAuthenticatesIt() throws {
        #expect(try authenticator.authenticate(authorization: "Bearer abc", clientID: "first").clientID == "first")
    }

    @Test func aTokenSharedByTwoClientsBelongsToTheFirstListed() throws {
        #expect(try authenticator.authenticate(authorization: "Bearer shared", clientID: "first").clientID == "first")
        #expect(throws: UploadRejection.unauthorized(.clientIDMismatch)) {
            try authenticator.authenticate(authorization: "Bearer shared", clientID: "second")
        }
    }

    @Test func aTokenExtendingAnotherIsItsOwnClients() throws {
        #expect(try authenticator.authenticate(authorization: "Bearer abcd", clientID: "second").clientID == "second")
        #expect(throws: UploadRejection.unauthorized(.clientIDMismatch)) {
            try authenticator.authenticate(authorization: "Bearer abcd", clientID: "first")
        }
    }

    @Test func longTokensMatchOnlyWhole() throws {
        let long = String(repeating: "t", count: 4_096)
        #expect(try authenticator.authenticate(authorization: "Bearer \(long)", clientID: "third").clientID == "third")
        for near in [String(long.dropLast()), long + "t", String(long.dropLast()) + "u"] {
            #expect(throws: UploadRejection.unauthorized(.tokenUnknown)) {
                try authenticator.authenticate(authorization: "Bearer \(near)", clientID: "third")
            }
        }
    }

    @Test(arguments: [
        "a", "ab", "abcde", "abc ", "abc\t", "sharedx", "share", "Shared", "ABC", "x x", "xx", "\u{0}", "abc\u{0}",
        "shared\u{0}", String(repeating: "t", count: 64),
    ])
    func prefixesExtensionsAndUnknownTokensAreUnknown(token: String) {
        for clientID in ["first", "second", "third"] {
            #expect(throws: UploadRejection.unauthorized(.tokenUnknown), "token \(token.debugDescription)") {
                try authenticator.authenticate(authorization: "Bearer \(token)", clientID: clientID)
            }
        }
    }

    @Test func repeatedLookupsGiveTheSameAnswer() throws {
        for _ in 0..<100 {
            #expect(try authenticator.authenticate(authorization: "Bearer x", clientID: "second").clientID == "second")
            #expect(throws: UploadRejection.unauthorized(.tokenUnknown)) {
                try authenticator.authenticate(authorization: "Bearer y", clientID: "second")
            }
        }
    }
}
