import Foundation
@testable import haptik_mock
import HaptikTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `haptik-mock healthcheck` (CONTRACT §9), run as the real binary: exit 0 on a 200 from
/// `/__admin/health`, else 1, within its timeout.
@Suite struct HealthCheckCommandTests {
    /// What one run of `haptik-mock healthcheck` did.
    struct Outcome {
        var ending: MockProcess.Ending
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// Runs `haptik-mock healthcheck arguments...` to completion.
    private func healthcheck(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let process = try MockProcess(arguments: ["healthcheck"] + arguments, environment: environment)
        let ending = process.waitForEnd(timeout: 30)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Outcome(ending: ending, stdout: process.remainingStdout(), stderr: process.stderrOutput(), seconds: seconds)
    }

    @Test func runningServerIsHealthy() throws {
        let server = try TestServer.start()
        let outcome = try healthcheck(["--url", "http://127.0.0.1:\(server.port)"])
        #expect(outcome.ending == .exited(0), "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("200"))
        #expect(outcome.stderr == "")
    }

    @Test func defaultURLTakesThePortFromTheEnvironment() throws {
        let server = try TestServer.start()
        let outcome = try healthcheck([], environment: ["HAPTIK_MOCK_PORT": String(server.port)])
        #expect(outcome.ending == .exited(0), "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("http://127.0.0.1:\(server.port)/__admin/health"))
    }

    @Test func closedPortFailsQuickly() throws {
        // Bound but not listening: connections are refused, and no other process can take the port meanwhile.
        let socket = try LoopbackSocket(listening: false)
        let outcome = try healthcheck(["--url", "http://127.0.0.1:\(socket.port)", "--timeout", "10"])
        #expect(outcome.ending == .exited(1), "\(outcome.ending); stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("cannot connect to 127.0.0.1:\(socket.port)"), "stderr: \(outcome.stderr)")
        #expect(outcome.seconds < 5, "refusal must not wait for the 10 s timeout")
    }

    @Test func silentListenerTimesOutWithinTheBound() throws {
        // The kernel completes the handshake from the backlog; nobody ever reads or answers.
        let socket = try LoopbackSocket(listening: true)
        let outcome = try healthcheck(["--url", "http://127.0.0.1:\(socket.port)", "--timeout", "0.3"])
        #expect(outcome.ending == .exited(1), "\(outcome.ending); stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("within 0.3 s"), "stderr: \(outcome.stderr)")
        #expect(outcome.seconds >= 0.3 && outcome.seconds < 5, "took \(outcome.seconds) s")
    }

    @Test func bracketedIPv6AddressIsProbed() throws {
        let socket = try LoopbackSocket(listening: true, ipv6: true)
        let request = socket.answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}")
        let outcome = try healthcheck(["--url", "http://[::1]:\(socket.port)"])
        #expect(outcome.ending == .exited(0), "stderr: \(outcome.stderr)")
        let head = try #require(request.wait())
        #expect(head.hasPrefix("GET /__admin/health HTTP/1.1\r\n"))
        #expect(head.contains("\r\nHost: [::1]:\(socket.port)\r\n"))
    }

    @Test func otherStatusIsUnhealthy() throws {
        let socket = try LoopbackSocket(listening: true)
        let request = socket.answerOnce("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
        let outcome = try healthcheck(["--url", "http://127.0.0.1:\(socket.port)/base/"])
        #expect(outcome.ending == .exited(1), "\(outcome.ending); stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("503"), "stderr: \(outcome.stderr)")
        #expect(try #require(request.wait()).hasPrefix("GET /base/__admin/health HTTP/1.1\r\n"))
    }

    @Test(arguments: [["--url", "https://127.0.0.1:1"], ["--url", "http://::1:8080"], ["--timeout", "0"],
                      ["--timeout", "soon"]])
    func unusableArgumentsExitOneNamingTheFlag(arguments: [String]) throws {
        let outcome = try healthcheck(arguments)
        #expect(outcome.ending == .exited(1), "\(outcome.ending); stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains(arguments[0]), "stderr: \(outcome.stderr)")
    }

    // MARK: - Parsing, as values

    @Test(arguments: [
        ("http://127.0.0.1:8080", "127.0.0.1", 8080, "/__admin/health", "127.0.0.1:8080"),
        ("HTTP://mock:9000/", "mock", 9000, "/__admin/health", "mock:9000"),
        ("http://[::1]:8080/api//", "::1", 8080, "/api/__admin/health", "[::1]:8080"),
        ("http://[fe80::1]", "fe80::1", 80, "/__admin/health", "[fe80::1]:80"),
        ("http://localhost", "localhost", 80, "/__admin/health", "localhost:80"),
    ])
    func urlsParse(text: String, host: String, port: Int, target: String, hostHeader: String) throws {
        let url = try HealthURL(parsing: text)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.target == target)
        #expect(url.hostHeader == hostHeader)
    }

    @Test(arguments: ["", "http://", "ftp://x", "https://x", "http://:80", "http://x:0", "http://x:65536",
                      "http://x:8o", "http://::1", "http://[::1", "http://[::1]x", "http://[1.2.3.4]:80",
                      "http://u@x", "http://x/?q", "http://x#f"])
    func badURLsAreRefused(text: String) {
        #expect(throws: HealthCheckError.self) { try HealthURL(parsing: text) }
    }

    @Test(arguments: [("HTTP/1.1 200 OK", 200), ("HTTP/1.0 503 Service Unavailable", 503), ("HTTP/1.1 204", 204),
                      ("HTTP/2 200 OK", nil), ("HTTP/1.1 20 OK", nil), ("HTTP/1.1 2000 OK", nil), ("", nil)] as [(String, Int?)])
    func statusLinesParse(line: String, status: Int?) {
        #expect(HealthProbe.statusCode(of: line) == status)
    }
}

/// A TCP socket bound to a loopback port the kernel picks; closed when released.
///
/// Not listening, connections to it are refused. Listening, the kernel completes handshakes from
/// the backlog even though nothing accepts; ``answerOnce(_:)`` accepts one connection and answers it.
private final class LoopbackSocket: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init(listening: Bool, ipv6: Bool = false) throws {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        self.fd = fd
        var bound: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        try #require(bound == 0, "bind: \(String(cString: strerror(errno)))")
        if listening { try #require(listen(fd, 8) == 0) }
        var storage = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, in network byte order.
        port = Int(UInt16(bigEndian: storage.sin6_port))
    }

    deinit { close(fd) }

    /// On another thread: accepts one connection, reads its request head, sends `answer`, closes.
    /// - Returns: a handle whose `wait()` gives the request head received (nil if none came in 20 s).
    func answerOnce(_ answer: String) -> ReceivedRequest {
        let received = ReceivedRequest()
        let fd = self.fd
        Thread.detachNewThread {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { received.finish(nil); return }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var head: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1_024)
            while !head.ends(with: Array("\r\n\r\n".utf8)) {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                head += buffer[..<count]
            }
            var bytes = Array(answer.utf8)
            _ = send(connection, &bytes, bytes.count, Int32(MSG_NOSIGNAL))
            close(connection)
            received.finish(String(decoding: head, as: UTF8.self))
        }
        return received
    }
}

/// The request head a ``LoopbackSocket`` received, handed from its thread to the test.
private final class ReceivedRequest: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let box = LockedBox<String?>(nil)

    func finish(_ head: String?) {
        box.withLock { $0 = head }
        done.signal()
    }

    func wait() -> String? {
        guard done.wait(timeout: .now() + 20) == .success else { return nil }
        return box.withLock { $0 }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
