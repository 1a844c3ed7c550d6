#if canImport(Glibc)
import Glibc
#endif

/// The storage directory: where uploads are written, renamed into place, and served from.
/// Stored names are random (128 bits) and never derived from what the client sent.
public struct FileStore: Sendable {
    public let directory: String

    /// Uses `directory`, creating it and its parents if needed.
    /// - Throws: ``StorageError/failed(_:)`` naming the directory and the reason.
    public init(directory: String) throws(StorageError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw .failed("cannot create storage directory \(prefix): \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw .failed("storage directory \(directory) is not a directory")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw .failed("storage directory \(directory) is not writable: \(String(cString: strerror(errno)))")
        }
        self.directory = directory
    }

    /// Starts a new upload as `.partial-<name>`, `<name>` random and kept for the final name.
    public func createTemporaryFile() throws(StorageError) -> TemporaryFile {
        let name = Self.randomName()
        return try TemporaryFile(path: "\(directory)/.partial-\(name)", name: name)
    }

    /// Moves a complete upload to its final name and returns it: `<random>.<ext>`, unguessable, or
    /// `<baseName>.<ext>` when given (deterministic mode names files by message id).
    public func commit(_ file: TemporaryFile, as fileExtension: String,
                       baseName: String? = nil) throws(StorageError) -> String {
        try file.flush()
        file.closeDescriptor()
        let name = "\(baseName ?? file.name).\(fileExtension)"
        guard rename(file.path, "\(directory)/\(name)") == 0 else {
            throw StorageError(errno: errno, doing: "rename")
        }
        file.isCommitted = true
        return name
    }

    /// Deletes stored uploads by name (a journal reset); names that are not stored uploads are skipped.
    public func delete(storedNames: [String]) {
        for name in storedNames where Self.isStoredName(name) { unlink("\(directory)/\(name)") }
    }

    /// Opens a stored upload for reading: its descriptor (the caller closes it) and size; nil for any
    /// name that is not a stored upload's (paths, temporary files, anything odd).
    public func openStored(name: String) -> (fd: Int32, size: Int)? {
        guard Self.isStoredName(name) else { return nil }
        let fd = open("\(directory)/\(name)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return nil
        }
        return (fd, Int(info.st_size))
    }

    /// `<letters and digits>.<1-16 letters and digits>`: the shape of every name ``commit(_:as:)`` gives.
    static func isStoredName(_ name: String) -> Bool {
        let parts = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[0].count <= 64 && (1...16).contains(parts[1].count)
            && parts.allSatisfy { $0.allSatisfy(isAlphanumeric) }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// 32 lowercase hex digits: 128 bits from the kernel's cryptographic source in one
    /// `getrandom(2)` (glibc's `arc4random_buf`).
    static func randomName() -> String {
        var random = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &random) { bytes in
            guard let start = bytes.baseAddress else { return }
            arc4random_buf(start, bytes.count)
        }
        return withUnsafeBytes(of: random) { LowercaseHex.string($0) }
    }
}
