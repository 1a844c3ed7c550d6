import Foundation

/// A fresh directory under the system temp dir for one test, removed when the value goes away.
/// (Local to these tests so they do not depend on helpers other suites are still writing.)
final class ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("haptik-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Every entry in the directory, hidden ones (`.partial-*`) included, sorted.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    func write(_ contents: String, to name: String) throws -> String {
        let file = "\(path)/\(name)"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}
