import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// An upload being written: a `.partial-*` file in the storage directory, hashed as it is written.
/// Unless ``FileStore/commit(_:as:)`` renamed it into place, it is deleted when this object goes
/// away, so no path that abandons an upload can leave a partial file behind.
///
/// Bytes are gathered and written with one `writev(2)` per ``flush()``: runs of at least
/// ``minimumBorrowedRun`` bytes are borrowed in place (the caller keeps them valid until the next
/// flush), shorter runs are copied into a small staging area. So a batch of socket reads costs one
/// system call, and file bytes are never copied through Swift arrays.
public final class TemporaryFile {
    /// Runs this long or longer are written from the caller's memory; shorter ones are copied.
    public static let minimumBorrowedRun = 512
    private static let maxPendingRuns = 64
    private static let stagingCapacity = 4_096

    let path: String
    /// The random name shared by the temporary and the final file.
    let name: String
    private var fd: Int32
    private var hasher = SHA256()
    /// Bytes accepted so far, written or pending.
    public private(set) var size = 0
    /// The file's first bytes (up to 16), for ``FileSniffer``.
    public private(set) var leadingBytes: [UInt8] = []
    var isCommitted = false
    private let pending: UnsafeMutableBufferPointer<iovec>
    private var pendingCount = 0
    /// Made on the first short run; most uploads never need it.
    private var staging: UnsafeMutableRawBufferPointer?
    private var stagingUsed = 0

    /// Creates the file; the buffers are allocated only once it exists, so a failed create leaks nothing.
    init(path: String, name: String) throws(StorageError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError(errno: errno, doing: "create") }
        self.fd = fd
        self.path = path
        self.name = name
        pending = .allocate(capacity: Self.maxPendingRuns)
    }

    deinit {
        closeDescriptor()
        if !isCommitted { unlink(path) }
        pending.deallocate()
        staging?.deallocate()
    }

    /// Hashes `bytes` and queues them for the next ``flush()``. Runs of ``minimumBorrowedRun`` bytes
    /// or more must stay valid, unchanged, until that flush; shorter ones are copied now.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        guard let start = bytes.baseAddress, fd >= 0 else { return }
        hasher.update(bufferPointer: bytes)
        if size < 16 { leadingBytes.append(contentsOf: bytes.prefix(16 - size)) }
        size += bytes.count
        if pendingCount == Self.maxPendingRuns { try flush() }
        if bytes.count >= Self.minimumBorrowedRun {
            pending[pendingCount] = iovec(iov_base: UnsafeMutableRawPointer(mutating: start), iov_len: bytes.count)
            pendingCount += 1
            return
        }
        if stagingUsed + bytes.count > Self.stagingCapacity { try flush() }
        let area = staging ?? .allocate(byteCount: Self.stagingCapacity, alignment: 1)
        staging = area
        guard let base = area.baseAddress else { return }
        let destination = base + stagingUsed
        destination.copyMemory(from: start, byteCount: bytes.count)
        stagingUsed += bytes.count
        if pendingCount > 0, let last = pending[pendingCount - 1].iov_base,
           last + pending[pendingCount - 1].iov_len == destination {
            pending[pendingCount - 1].iov_len += bytes.count   // extends the previous staged run
        } else {
            pending[pendingCount] = iovec(iov_base: destination, iov_len: bytes.count)
            pendingCount += 1
        }
    }

    /// Writes everything queued, in order, with as few `writev(2)` calls as the kernel allows.
    public func flush() throws(StorageError) {
        guard let runs = pending.baseAddress else { return }
        var first = 0
        while first < pendingCount {
            let written = writev(fd, runs + first, Int32(pendingCount - first))
            if written < 0 {
                if errno == EINTR { continue }
                throw StorageError(errno: errno, doing: "write")
            }
            var remaining = written
            while first < pendingCount, remaining >= pending[first].iov_len {   // skip what was written
                remaining -= pending[first].iov_len
                first += 1
            }
            if remaining > 0 {
                pending[first].iov_base += remaining
                pending[first].iov_len -= remaining
            }
        }
        pendingCount = 0
        stagingUsed = 0
    }

    /// The SHA-256 of everything appended so far.
    public func finishHash() -> SHA256Hash {
        hasher.finalize().withUnsafeBytes { SHA256Hash($0) }
    }

    func closeDescriptor() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}

@available(*, unavailable)
extension TemporaryFile: Sendable {}

extension StorageError {
    init(errno code: Int32, doing operation: String) {
        if code == ENOSPC || code == EDQUOT {
            self = .full
        } else {
            self = .failed("\(operation): \(String(cString: strerror(code)))")
        }
    }
}
