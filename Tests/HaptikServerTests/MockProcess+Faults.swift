import Foundation
import HaptikTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

// The real binary under faults: on a small tmpfs in its own user and mount namespace, its open
// descriptors counted, uploads sent with the repository fixtures' credentials.

extension MockProcess {
    /// `unshare` and `nsenter` (util-linux): the tmpfs tests need both, and fail without them.
    static let unshareURL = URL(fileURLWithPath: "/usr/bin/unshare")
    static let nsenterURL = URL(fileURLWithPath: "/usr/bin/nsenter")

    /// Starts `haptik-mock arguments...` inside `unshare --user --map-root-user --mount`, after
    /// mounting a tmpfs of `size` (`mount -o size=`, e.g. `1m`) on `mountPoint` and, when
    /// `fillerBytes` > 0, writing that many zero bytes to `mountPoint/filler`. The storage directory
    /// should lie on the tmpfs; the test sees it through ``namespaced(_:)``.
    ///
    /// Fails, rather than skips, when `unshare` is missing or the namespace cannot be made: the
    /// process then ends without a Listening line and its stderr says why.
    static func onTmpfs(mountPoint: String, size: String, fillerBytes: Int = 0,
                        arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> MockProcess {
        try #require(FileManager.default.isExecutableFile(atPath: unshareURL.path),
                     "\(unshareURL.path) (util-linux) is required to test storage faults on a tmpfs; install util-linux",
                     sourceLocation: sourceLocation)
        let executable = try #require(executableURL, "haptik-mock binary not found beside \(Bundle.main.bundleURL.path)",
                                      sourceLocation: sourceLocation)
        // unshare and sh both exec, so the process started is, in the end, haptik-mock itself.
        let script = """
            mount -t tmpfs -o size="$1" tmpfs "$2" || exit 97
            if [ "$3" -gt 0 ]; then head -c "$3" /dev/zero > "$2/filler" || exit 98; fi
            shift 3
            exec "$@"
            """
        return try MockProcess(
            executable: unshareURL,
            arguments: ["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", size, mountPoint,
                        String(fillerBytes), executable.path] + arguments)
    }

    /// `path` as seen inside the process's mount namespace (through `/proc/<pid>/root`).
    func namespaced(_ path: String) -> String {
        "/proc/\(process.processIdentifier)/root\(path)"
    }

    /// Runs `command` inside the process's user and mount namespaces with `nsenter`; returns its exit
    /// status and stderr.
    func runInNamespace(_ command: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, stderr: String) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.nsenterURL.path),
                     "\(Self.nsenterURL.path) (util-linux) is required to remount the storage; install util-linux",
                     sourceLocation: sourceLocation)
        let child = Process()
        child.executableURL = Self.nsenterURL
        child.arguments = ["--target", String(process.processIdentifier), "--user", "--mount"] + command
        let errors = Pipe()
        child.standardError = errors
        child.standardOutput = FileHandle.nullDevice
        child.standardInput = FileHandle.nullDevice
        try child.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        return (child.terminationStatus, text)
    }

    /// How many descriptors the process has open (`/proc/<pid>/fd`), or nil once it is gone. Pipes
    /// are left out: the server opens none per connection, but a sanitizer's runtime opens a pair
    /// whenever it starts its symbolizer.
    var openDescriptorCount: Int? {
        let directory = "/proc/\(process.processIdentifier)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        return entries.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)"))?.hasPrefix("pipe:") != true
        }.count
    }

    /// What each open descriptor refers to (`socket:[…]`, a path, `anon_inode:[eventfd]`), sorted:
    /// for a message naming what leaked.
    var openDescriptorTargets: [String] {
        let directory = "/proc/\(process.processIdentifier)/fd"
        return directoryEntries(directory).compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)")
        }.sorted()
    }
}

/// Entries of `directory`, hidden ones included, sorted; empty if it cannot be read.
func directoryEntries(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

/// An upload of `file` as the repository fixtures' `demo-client` to a server on `port`.
func demoUpload(_ file: [UInt8], port: Int, filename: String = "photo.png") -> RawRequest {
    RawRequest.upload(.upload(file: file, filename: filename), host: "127.0.0.1:\(port)",
                      authorization: "Bearer demo-token", clientID: "demo-client")
}

extension RawHTTPClient {
    /// Sends `request` whole, even if the server answers early and stops reading (it then discards
    /// what follows for a while, or hangs up: a failed send is ignored), and reads the answer.
    func sendAndRead(_ request: RawRequest) throws -> RawResponse {
        do {
            try send(request.bytes)
        } catch .sendFailed {
            // The answer, if any, is already on its way.
        }
        return try readResponse()
    }
}

/// `GET /__admin/health` on a new connection to `port`; its status.
func healthStatus(port: Int) throws -> Int {
    let client = try RawHTTPClient(port: port, timeout: 10)
    defer { client.close() }
    try client.send(RawRequest.get("/__admin/health", host: "127.0.0.1:\(port)").bytes)
    return try client.readResponse().status
}
