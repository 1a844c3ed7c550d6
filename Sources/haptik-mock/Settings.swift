import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Haptik
import HaptikServer
import Logging

/// The command line's values before defaults: every field nil unless its flag was given.
struct Flags: Equatable, Sendable {
    var host: String?
    var port: String?
    var fixtures: String?
    var storageDir: String?
    var publicURL: String?
    var maxFileSize: String?
    var workers: String?
    var logLevel: String?
    var idleTimeout: String?
    var shutdownGrace: String?
    var maxConnections: String?
    var maxJournalEntries: String?
    var clock: String?
    var messageIDStart: String?
    var portFile: String?
    /// Switches: true when given.
    var allowFaultHeaders = false
}

/// The resolved settings: for each one the flag, else `HAPTIK_MOCK_<NAME>`, else the default,
/// validated once (CONTRACT §1).
struct Settings: Equatable, Sendable {
    var host: String
    var port: Int
    var fixturesPath: String
    /// nil: a new directory under the system temp dir, made at start.
    var storageDirectory: String?
    var publicURL: String?
    var maxFileSize: Int
    var workers: Int
    var logLevel: Logger.Level
    var idleTimeout: Double
    var shutdownGrace: Double
    var maxConnections: Int
    var maxJournalEntries: Int
    /// A fixed `created_at`; nil for real time.
    var clock: Timestamp?
    var messageIDStart: Int?
    /// Where to write the Listening URL once bound; nil for nowhere.
    var portFile: String?
    var allowsFaultHeaders: Bool

    init(flags: Flags, environment: [String: String]) throws(SettingsError) {
        let values = Lookup(flags: flags, environment: environment)
        host = try values.text("host", flags.host) ?? "127.0.0.1"
        port = try values.integer("port", flags.port, in: 0...65_535) ?? 8080
        fixturesPath = try values.text("fixtures", flags.fixtures) ?? "Fixtures/fixtures.json"
        storageDirectory = try values.text("storage-dir", flags.storageDir)
        maxFileSize = try values.integer("max-file-size", flags.maxFileSize, in: 0...(1 << 40)) ?? 10_485_760
        workers = try values.integer("workers", flags.workers, in: 1...256)
            ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        idleTimeout = try values.seconds("idle-timeout", flags.idleTimeout) ?? 30
        shutdownGrace = try values.seconds("shutdown-grace", flags.shutdownGrace) ?? 5
        maxConnections = try values.integer("max-connections", flags.maxConnections, in: 1...1_000_000) ?? 4096
        maxJournalEntries = try values.integer("max-journal-entries", flags.maxJournalEntries, in: 1...10_000_000)
            ?? 10_000
        clock = try values.text("clock", flags.clock, where: { Timestamp(iso8601: $0) != nil },
                                expected: "be an ISO 8601 timestamp like 2018-10-04T12:41:27.980Z")
            .flatMap(Timestamp.init(iso8601:))
        messageIDStart = try values.integer("message-id-start", flags.messageIDStart, in: 0...(1 << 53))
        portFile = try values.text("port-file", flags.portFile)
        allowsFaultHeaders = try values.isOn("allow-fault-headers", flags.allowFaultHeaders)
        logLevel = try values.choice("log-level", flags.logLevel, from: Self.logLevels) ?? .info
        publicURL = try values.text("public-url", flags.publicURL, where: {
            $0.hasPrefix("http://") || $0.hasPrefix("https://")
        }, expected: "start with http:// or https://")
    }

    private static let logLevels: [String: Logger.Level] = [
        "debug": .debug, "info": .info, "warning": .warning, "error": .error,
    ]
}

/// A setting that cannot be used, with a message naming the flag or variable and the value.
struct SettingsError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads one setting from its flag or environment variable and names the source in errors.
private struct Lookup {
    let flags: Flags
    let environment: [String: String]

    static func variable(_ name: String) -> String {
        "HAPTIK_MOCK_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The raw value and where it came from (`--port` or `HAPTIK_MOCK_PORT`). An empty variable
    /// counts as unset, as container environments often set `NAME=` to mean "no value".
    func raw(_ name: String, _ flag: String?) -> (value: String, source: String)? {
        if let flag { return (flag, "--\(name)") }
        let variable = Self.variable(name)
        if let value = environment[variable], !value.isEmpty { return (value, variable) }
        return nil
    }

    func text(_ name: String, _ flag: String?) throws(SettingsError) -> String? {
        guard let (value, source) = raw(name, flag) else { return nil }
        guard !value.isEmpty else { throw SettingsError("\(source) must not be empty") }
        return value
    }

    /// A text value that must pass `isValid`; `expected` completes "must ..." in the error.
    func text(_ name: String, _ flag: String?, where isValid: (String) -> Bool,
              expected: String) throws(SettingsError) -> String? {
        guard let (value, source) = raw(name, flag) else { return nil }
        guard !value.isEmpty, isValid(value) else { throw SettingsError("\(source) must \(expected); got '\(value)'") }
        return value
    }

    /// One of `choices`' keys, in any case.
    func choice<Value>(_ name: String, _ flag: String?, from choices: [String: Value]) throws(SettingsError) -> Value? {
        guard let (value, source) = raw(name, flag) else { return nil }
        guard let chosen = choices[value.lowercased()] else {
            throw SettingsError("\(source) must be one of \(choices.keys.sorted().joined(separator: ", ")); got '\(value)'")
        }
        return chosen
    }

    func integer(_ name: String, _ flag: String?, in range: ClosedRange<Int>) throws(SettingsError) -> Int? {
        guard let (value, source) = raw(name, flag) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw SettingsError("\(source) must be an integer in \(range.lowerBound)...\(range.upperBound); got '\(value)'")
        }
        return number
    }

    /// A switch: on when its flag was given, else when its variable is `1` or `true` (any case);
    /// `0`, `false` or empty: off.
    func isOn(_ name: String, _ flagGiven: Bool) throws(SettingsError) -> Bool {
        guard !flagGiven else { return true }
        let variable = Self.variable(name)
        guard let value = environment[variable] else { return false }
        switch value.lowercased() {
        case "1", "true": return true
        case "0", "false", "": return false
        default: throw SettingsError("\(variable) must be 1, true, 0, false or empty; got '\(value)'")
        }
    }

    func seconds(_ name: String, _ flag: String?) throws(SettingsError) -> Double? {
        guard let (value, source) = raw(name, flag) else { return nil }
        guard let number = Double(value), number.isFinite, number > 0, number <= 86_400 else {
            throw SettingsError("\(source) must be a number of seconds in (0, 86400]; got '\(value)'")
        }
        return number
    }
}

extension Settings {
    /// Loads the fixture file and picks the storage directory: what the server needs to start.
    /// - Throws: ``FixtureError`` or ``SettingsError`` naming the file or directory.
    func serverConfiguration() throws -> ServerConfiguration {
        let fixtures = try Fixtures.load(path: fixturesPath)
        return ServerConfiguration(
            host: host, port: port, workers: workers, fixtures: fixtures,
            storageDirectory: try storageDirectory ?? Self.makeTemporaryStorage(), publicURL: publicURL,
            maxFileSize: maxFileSize, idleTimeout: idleTimeout, shutdownGrace: shutdownGrace,
            maxConnections: maxConnections, maxJournalEntries: maxJournalEntries, clock: clock,
            messageIDStart: messageIDStart, fixturesPath: fixturesPath, allowsFaultHeaders: allowsFaultHeaders,
            accessLogDescriptor: logLevel <= .info ? STDERR_FILENO : nil)
    }

    /// A new, empty directory under the system temp dir.
    static func makeTemporaryStorage() throws(SettingsError) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/haptik-mock-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SettingsError("cannot create a storage directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }
}
