public import Foundation

/// A new, empty directory under the system temp dir (`$TMPDIR`, else `/tmp`), removed with
/// everything in it when the value is released. Each test makes its own, so tests can run in parallel.
public final class TemporaryDirectory: Sendable {
    /// The directory's absolute path, without a trailing slash.
    public let path: String

    /// Creates the directory with `mkdtemp`, named `<prefix>-XXXXXX`.
    public init(prefix: String = "haptik-test") throws {
        let environment = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        let base = environment.isEmpty ? "/tmp" : (environment.hasSuffix("/") ? String(environment.dropLast()) : environment)
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "\(base)/\(prefix)-XXXXXX"])
        }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/name`.
    public func appending(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Writes `bytes` to `path/name`, replacing any file there, and returns its path.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) throws -> String {
        let filePath = appending(name)
        try Data(bytes).write(to: URL(fileURLWithPath: filePath))
        return filePath
    }
}
