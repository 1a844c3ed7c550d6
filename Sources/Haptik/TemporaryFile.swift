import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// An upload being written: a `.partial-*` file in the storage directory, hashed as it is written.
/// Unless ``FileStore/commit(_:as:)`` renamed it into place, it is deleted when this object goes
/// away, so no path that abandons an upload can leave a partial file behind.
public final class TemporaryFile {
    let path: String
    /// The random name shared by the temporary and the final file.
    let name: String
    private var fd: Int32
    private var hasher = SHA256()
    /// Bytes written so far.
    public private(set) var size = 0
    var isCommitted = false

    init(path: String, name: String) throws(StorageError) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError(errno: errno, doing: "create") }
        self.path = path
        self.name = name
    }

    deinit {
        closeDescriptor()
        if !isCommitted { unlink(path) }
    }

    /// Appends `bytes` to the file and the hash, straight from the caller's buffer.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        guard var next = bytes.baseAddress, fd >= 0 else { return }
        hasher.update(bufferPointer: bytes)
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(fd, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw StorageError(errno: errno, doing: "write")
            }
            remaining -= written
            next += written
        }
        size += bytes.count
    }

    /// The lowercase hex SHA-256 of everything written. Call once, when the file is complete.
    public func finishHash() -> String {
        hasher.finalize().map { Self.hexByte($0) }.joined()
    }

    func closeDescriptor() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
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
