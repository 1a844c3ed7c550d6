import Foundation
@testable import haptik_mock
import Testing

struct SettingsTests {
    /// Every setting by its flag name (without `--`), as the command line would give it.
    static let names = ["host", "port", "fixtures", "storage-dir", "public-url", "max-file-size", "workers",
                        "log-level", "idle-timeout", "shutdown-grace", "max-connections"]

    static func flags(_ values: [String: String]) -> Flags {
        var flags = Flags()
        for (name, value) in values {
            switch name {
            case "host": flags.host = value
            case "port": flags.port = value
            case "fixtures": flags.fixtures = value
            case "storage-dir": flags.storageDir = value
            case "public-url": flags.publicURL = value
            case "max-file-size": flags.maxFileSize = value
            case "workers": flags.workers = value
            case "log-level": flags.logLevel = value
            case "idle-timeout": flags.idleTimeout = value
            case "shutdown-grace": flags.shutdownGrace = value
            case "max-connections": flags.maxConnections = value
            default: Issue.record("no flag \(name)")
            }
        }
        return flags
    }

    static func variable(_ name: String) -> String {
        "HAPTIK_MOCK_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// Two valid values per setting, both unlike the default.
    static let samples: [(name: String, first: String, second: String)] = [
        ("host", "0.0.0.0", "::1"), ("port", "9001", "0"), ("fixtures", "/etc/a.json", "b.json"),
        ("storage-dir", "/tmp/s1", "/tmp/s2"), ("public-url", "http://mock:8080", "https://example.com"),
        ("max-file-size", "1024", "0"), ("workers", "251", "253"), ("log-level", "debug", "error"),
        ("idle-timeout", "2.5", "86400"), ("shutdown-grace", "1", "0.25"), ("max-connections", "10", "1"),
    ]

    @Test func defaults() throws {
        let settings = try Settings(flags: Flags(), environment: [:])
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.fixturesPath == "Fixtures/fixtures.json")
        #expect(settings.storageDirectory == nil)
        #expect(settings.publicURL == nil)
        #expect(settings.maxFileSize == 10_485_760)
        #expect(settings.workers == max(1, ProcessInfo.processInfo.activeProcessorCount))
        #expect(settings.logLevel == .info)
        #expect(settings.idleTimeout == 30)
        #expect(settings.shutdownGrace == 5)
        #expect(settings.maxConnections == 4096)
    }

    @Test func flagsSetEachValue() throws {
        let settings = try Settings(flags: Self.flags([
            "host": "0.0.0.0", "port": "0", "fixtures": "f.json", "storage-dir": "/tmp/x", "public-url": "http://m:1",
            "max-file-size": "5", "workers": "2", "log-level": "WARNING", "idle-timeout": "0.5",
            "shutdown-grace": "10", "max-connections": "7",
        ]), environment: [:])
        #expect(settings.host == "0.0.0.0")
        #expect(settings.port == 0)
        #expect(settings.fixturesPath == "f.json")
        #expect(settings.storageDirectory == "/tmp/x")
        #expect(settings.publicURL == "http://m:1")
        #expect(settings.maxFileSize == 5)
        #expect(settings.workers == 2)
        #expect(settings.logLevel == .warning)
        #expect(settings.idleTimeout == 0.5)
        #expect(settings.shutdownGrace == 10)
        #expect(settings.maxConnections == 7)
    }

    @Test func environmentVariablesSetEachValue() throws {
        let settings = try Settings(flags: Flags(), environment: [
            "HAPTIK_MOCK_HOST": "0.0.0.0", "HAPTIK_MOCK_PORT": "9090", "HAPTIK_MOCK_FIXTURES": "f.json",
            "HAPTIK_MOCK_STORAGE_DIR": "/tmp/x", "HAPTIK_MOCK_PUBLIC_URL": "https://m", "HAPTIK_MOCK_MAX_FILE_SIZE": "5",
            "HAPTIK_MOCK_WORKERS": "2", "HAPTIK_MOCK_LOG_LEVEL": "debug", "HAPTIK_MOCK_IDLE_TIMEOUT": "3",
            "HAPTIK_MOCK_SHUTDOWN_GRACE": "4", "HAPTIK_MOCK_MAX_CONNECTIONS": "9",
        ])
        #expect(settings.host == "0.0.0.0")
        #expect(settings.port == 9090)
        #expect(settings.fixturesPath == "f.json")
        #expect(settings.storageDirectory == "/tmp/x")
        #expect(settings.publicURL == "https://m")
        #expect(settings.maxFileSize == 5)
        #expect(settings.workers == 2)
        #expect(settings.logLevel == .debug)
        #expect(settings.idleTimeout == 3)
        #expect(settings.shutdownGrace == 4)
        #expect(settings.maxConnections == 9)
    }

    @Test(arguments: samples)
    func anEnvironmentVariableActsLikeItsFlag(name: String, first: String, second: String) throws {
        let fromEnvironment = try Settings(flags: Flags(), environment: [Self.variable(name): first])
        let fromFlag = try Settings(flags: Self.flags([name: first]), environment: [:])
        #expect(fromEnvironment == fromFlag)
        #expect(fromEnvironment != (try Settings(flags: Flags(), environment: [:])))
    }

    @Test(arguments: samples)
    func theFlagWinsOverTheEnvironment(name: String, first: String, second: String) throws {
        let both = try Settings(flags: Self.flags([name: first]), environment: [Self.variable(name): second])
        #expect(both == (try Settings(flags: Self.flags([name: first]), environment: [:])))
        #expect(both != (try Settings(flags: Flags(), environment: [Self.variable(name): second])))
    }

    @Test func theFlagWinsEvenOverAnInvalidVariable() throws {
        let settings = try Settings(flags: Self.flags(["port": "9000"]), environment: ["HAPTIK_MOCK_PORT": "abc"])
        #expect(settings.port == 9000)
    }

    @Test func unrelatedOrMisspelledVariablesAreIgnored() throws {
        let settings = try Settings(flags: Flags(), environment: [
            "PORT": "1", "HAPTIK_MOCK_port": "2", "HAPTIKMOCK_PORT": "3", "HAPTIK_MOCK_PORT_": "4",
            "HAPTIK_MOCK_MAX-FILE-SIZE": "5", "HAPTIK_MOCK_UNKNOWN": "x",
        ])
        #expect(settings == (try Settings(flags: Flags(), environment: [:])))
    }

    @Test(arguments: [("DEBUG", "debug"), ("Info", "info"), ("warning", "warning"), ("ERROR", "error")])
    func logLevelsAreCaseInsensitive(text: String, expected: String) throws {
        let settings = try Settings(flags: Self.flags(["log-level": text]), environment: [:])
        #expect("\(settings.logLevel)" == expected)
    }

    @Test(arguments: [("port", "0"), ("port", "65535"), ("workers", "1"), ("workers", "256"),
                      ("max-file-size", "0"), ("idle-timeout", "0.001"), ("shutdown-grace", "86400"),
                      ("max-connections", "1"), ("public-url", "https://x"), ("public-url", "http://10.0.0.1:9/base")])
    func acceptsBoundaryValues(name: String, value: String) throws {
        _ = try Settings(flags: Self.flags([name: value]), environment: [:])
        _ = try Settings(flags: Flags(), environment: [Self.variable(name): value])
    }

    /// An invalid value (given as a flag, or as a variable when `name` is a `HAPTIK_MOCK_` one) and
    /// what its message must name: the flag or variable it came from, and the value.
    @Test(arguments: [
        ("--port", "abc"), ("HAPTIK_MOCK_PORT", "99999"), ("--port", "65536"), ("--port", "-1"), ("--port", " 80"),
        ("--port", ""), ("--log-level", "loud"), ("HAPTIK_MOCK_LOG_LEVEL", "loud"), ("--workers", "0"),
        ("--workers", "257"), ("HAPTIK_MOCK_WORKERS", "two"), ("--idle-timeout", "-1"), ("--idle-timeout", "0"),
        ("--idle-timeout", "abc"), ("--idle-timeout", "nan"), ("--idle-timeout", "inf"),
        ("HAPTIK_MOCK_IDLE_TIMEOUT", "-1"), ("--shutdown-grace", "-5"), ("--shutdown-grace", "86401"),
        ("--public-url", "ftp://x"), ("HAPTIK_MOCK_PUBLIC_URL", "ftp://x"), ("--public-url", "localhost:8080"),
        ("--max-file-size", "-1"), ("--max-file-size", "10MB"), ("HAPTIK_MOCK_MAX_FILE_SIZE", "1.5"),
        ("--max-connections", "0"), ("HAPTIK_MOCK_MAX_CONNECTIONS", "x"), ("--host", ""),
    ])
    func anInvalidValueNamesItsFlagOrVariable(source: String, value: String) {
        let flags: Flags
        let environment: [String: String]
        if source.hasPrefix("--") {
            flags = Self.flags([String(source.dropFirst(2)): value])
            environment = [:]
        } else {
            flags = Flags()
            environment = [source: value]
        }
        #expect {
            try Settings(flags: flags, environment: environment)
        } throws: { error in
            guard let error = error as? SettingsError else { return false }
            return error.description.contains(source) && (value.isEmpty || error.description.contains(value))
        }
    }

    @Test func anEmptyVariableCountsAsUnset() throws {
        let settings = try Settings(flags: Flags(), environment: [
            "HAPTIK_MOCK_FIXTURES": "", "HAPTIK_MOCK_PORT": "", "HAPTIK_MOCK_PUBLIC_URL": "",
        ])
        #expect(settings.fixturesPath == "Fixtures/fixtures.json")
        #expect(settings.port == 8080)
        #expect(settings.publicURL == nil)
    }

    /// A switch (CONTRACT §1): its flag turns it on; its variable is `1`/`true` (on) or
    /// `0`/`false`/empty (off); anything else is refused naming the variable.
    @Test(arguments: [
        (false, nil, false), (true, nil, true), (false, "1", true), (false, "TRUE", true), (false, "true", true),
        (false, "0", false), (false, "false", false), (false, "", false), (true, "0", true),
    ] as [(Bool, String?, Bool)])
    func allowFaultHeadersIsASwitch(flagGiven: Bool, variable: String?, expected: Bool) throws {
        var flags = Flags()
        flags.allowFaultHeaders = flagGiven
        let environment = variable.map { ["HAPTIK_MOCK_ALLOW_FAULT_HEADERS": $0] } ?? [:]
        let settings = try Settings(flags: flags, environment: environment)
        #expect(settings.allowsFaultHeaders == expected)
    }

    @Test func anUnclearSwitchValueIsRefused() {
        #expect(throws: SettingsError("HAPTIK_MOCK_ALLOW_FAULT_HEADERS must be 1, true, 0, false or empty; got 'yes'")) {
            try Settings(flags: Flags(), environment: ["HAPTIK_MOCK_ALLOW_FAULT_HEADERS": "yes"])
        }
    }

    @Test func serverConfigurationNamesAMissingFixtureFile() throws {
        let path = "/nonexistent-\(UUID().uuidString)/fixtures.json"
        let settings = try Settings(flags: Self.flags(["fixtures": path, "storage-dir": "/tmp"]), environment: [:])
        #expect {
            try settings.serverConfiguration()
        } throws: { error in
            "\(error)".contains(path)
        }
    }

    @Test func serverConfigurationCarriesTheSettings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixtures = directory.appendingPathComponent("f.json")
        try Data(#"{"clients": [{"client_id": "c", "tokens": ["t"]}]}"#.utf8).write(to: fixtures)
        var flags = Self.flags([
            "fixtures": fixtures.path, "storage-dir": directory.path, "port": "0", "max-file-size": "77",
            "public-url": "http://pub",
        ])
        flags.allowFaultHeaders = true
        let settings = try Settings(flags: flags, environment: [:])
        let configuration = try settings.serverConfiguration()
        #expect(configuration.allowsFaultHeaders)
        #expect(configuration.port == 0)
        #expect(configuration.storageDirectory == directory.path)
        #expect(configuration.maxFileSize == 77)
        #expect(configuration.publicURL == "http://pub")
        #expect(configuration.fixtures.clients.map(\.clientID) == ["c"])
    }

    @Test func temporaryStorageIsANewEmptyDirectoryEachTime() throws {
        let first = try Settings.makeTemporaryStorage()
        let second = try Settings.makeTemporaryStorage()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        #expect(first != second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: first) == [])
    }
}
