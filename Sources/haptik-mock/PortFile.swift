#if canImport(Glibc)
import Glibc
#endif

/// `--port-file PATH`: the Listening URL and a newline, written to a temporary file beside PATH
/// and renamed over it, so a reader never sees a partial file; nothing else is left beside it.
enum PortFile {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    static func write(url: String, to path: String) throws(WriteError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(description: "cannot write port file \(path): \(String(cString: strerror(errno)))") }
        var line = url + "\n"
        let written = line.withUTF8 { Glibc.write(fd, $0.baseAddress, $0.count) }
        let closed = close(fd)
        guard written == line.utf8.count, closed == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(description: "cannot write port file \(path): \(reason)")
        }
    }
}
