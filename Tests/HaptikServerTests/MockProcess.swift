import Foundation
import HaptikTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `haptik-mock` executable run as a child process, its stdout and stderr captured.
///
/// The test target depends on the executable, so SwiftPM builds it into the same products directory
/// as the test bundle (`Bundle.main.bundleURL` on Linux); ``executableURL`` looks there first.
final class MockProcess {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let exited = DispatchSemaphore(value: 0)
    private let stderrText = LockedBox<[UInt8]>([])
    private let stderrDone = DispatchSemaphore(value: 0)

    /// Where the built binary is: beside the test bundle, else under the package's build directories.
    static let executableURL: URL? = {
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("haptik-mock"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("haptik-mock"))
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("haptik-mock"))
        }
        for scratch in [".build-it", ".build"] {
            candidates.append(packageRoot.appendingPathComponent("\(scratch)/debug/haptik-mock"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Starts `haptik-mock arguments...` with the test process's environment minus every
    /// `HAPTIK_MOCK_*` variable, plus `environment`.
    convenience init(arguments: [String], environment: [String: String] = [:]) throws {
        let executable = try #require(Self.executableURL, "haptik-mock binary not found beside \(Bundle.main.bundleURL.path)")
        try self.init(executable: executable, arguments: arguments, environment: environment)
    }

    /// Starts `executable arguments...` likewise: a launcher (`unshare ... sh -c '... exec haptik-mock'`)
    /// that ends up as the binary itself, so signals and `/proc/<pid>` reach the server.
    init(executable: URL, arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HAPTIK_MOCK_") }
        variables.merge(environment) { $1 }
        process.environment = variables
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try Self.runWithSignalsUnblocked(process)
        let handle = stderr.fileHandleForReading
        let collected = stderrText
        let done = stderrDone
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                collected.withLock { $0.append(contentsOf: data) }
            }
            done.signal()
        }
    }

    /// Starts `process` from a fresh thread whose signal mask is empty. Tests run on libdispatch
    /// worker threads, which block SIGTERM and SIGINT; a child spawned from one inherits that mask,
    /// and its SIGTERM would stay pending forever, as it never would under a shell or Docker.
    private static func runWithSignalsUnblocked(_ process: Process) throws {
        let outcome = LockedBox<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let box = UncheckedBox(process)
        Thread.detachNewThread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            let result = Result { try box.value.run() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 }?.get()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads stdout up to and including its first newline, waiting at most `timeout`.
    /// - Returns: the line without its newline, or nil if stdout ended or nothing came in time.
    func readLine(timeout: Double = 20) -> String? {
        let handle = stdout.fileHandleForReading
        let line = LockedBox<[UInt8]?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while Glibc.read(handle.fileDescriptor, &byte, 1) == 1 {
                if byte == 0x0A {
                    line.withLock { $0 = bytes }
                    break
                }
                bytes.append(byte)
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return line.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Everything left on stdout until the process closes it.
    func remainingStdout() -> String {
        String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Reads the `Listening on http://127.0.0.1:PORT` line and returns the port.
    func awaitListening(sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let line = try #require(readLine(), "no Listening line; stderr: \(stderrOutput())", sourceLocation: sourceLocation)
        let match = try #require(line.wholeMatch(of: /Listening on http:\/\/127\.0\.0\.1:(\d+)/),
                                 "unexpected first stdout line: \(line)", sourceLocation: sourceLocation)
        return try #require(Int(match.1), sourceLocation: sourceLocation)
    }

    /// Sends `signal` (SIGTERM by default).
    func signal(_ number: Int32 = SIGTERM) {
        kill(process.processIdentifier, number)
    }

    /// How the process ended.
    enum Ending: Equatable, CustomStringConvertible {
        case exited(Int32)
        /// Killed by this signal (an uncaught SIGTERM, say).
        case signalled(Int32)
        /// Still running at the deadline; it was killed.
        case timedOut

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            case .timedOut: "did not exit in time"
            }
        }
    }

    /// Waits up to `timeout` seconds for the process to end; kills it if it does not.
    func waitForEnd(timeout: Double = 20) -> Ending {
        guard exited.wait(timeout: .now() + timeout) == .success else {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            return .timedOut
        }
        return process.terminationReason == .exit ? .exited(process.terminationStatus)
            : .signalled(process.terminationStatus)
    }

    /// Expects a clean stop: exit status 0.
    func expectCleanExit(sourceLocation: SourceLocation = #_sourceLocation) {
        let ending = waitForEnd()
        #expect(ending == .exited(0), "\(ending); stderr: \(stderrOutput())", sourceLocation: sourceLocation)
    }

    /// Expects a failed start: a non-zero exit status, not a signal or a hang.
    func expectFailedStart(sourceLocation: SourceLocation = #_sourceLocation) {
        let ending = waitForEnd()
        let failed = if case .exited(let status) = ending { status != 0 } else { false }
        #expect(failed, "\(ending); stderr: \(stderrOutput())", sourceLocation: sourceLocation)
    }

    /// stderr so far; complete once the process has exited.
    func stderrOutput() -> String {
        if !process.isRunning { _ = stderrDone.wait(timeout: .now() + 5) }
        return stderrText.withLock { String(decoding: $0, as: UTF8.self) }
    }
}

/// Runs `/usr/bin/curl` with `arguments` and returns its exit status and stdout.
func runCurl(_ arguments: [String], timeout: Double = 30) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    try runProcess("/usr/bin/curl", arguments, timeout: timeout)
}

/// Runs `executable` with `arguments`, writing `input` to its stdin (then closing it), and returns
/// its exit status, stdout and stderr. Both pipes are read to the end before waiting, so a large
/// output cannot block the child.
func runProcess(_ executable: String, _ arguments: [String], input: Data? = nil,
                timeout: Double = 30) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    let output = LockedBox<Data>(Data())
    let outputDone = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        output.withLock { $0 = data }
        outputDone.signal()
    }
    if let input {
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
    }
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    guard outputDone.wait(timeout: .now() + timeout) == .success else {
        process.terminate()
        throw ProcessTimeout(executable: executable)
    }
    process.waitUntilExit()
    return (process.terminationStatus, Array(output.withLock { $0 }), String(decoding: errors, as: UTF8.self))
}

struct ProcessTimeout: Error {
    let executable: String
}

/// A value shared between a reader thread and the test, behind a lock.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

/// Hands a non-Sendable value to one other thread that uses it while the sender waits.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
