#if canImport(Glibc)
import Glibc
#endif

/// Writes every byte of `bytes` to `descriptor`, unbuffered: one `write(2)` unless the kernel
/// takes less, then the rest, retrying on `EINTR`. Gives up silently on any other failure, as
/// the callers (log lines, the Listening line, messages) cannot do better than drop the text.
public func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
    guard let start = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, start + offset, bytes.count - offset)
        if written > 0 {
            offset += written
        } else if written < 0, errno == EINTR {
            continue
        } else {
            return
        }
    }
}

/// Writes `text`'s UTF-8 bytes with ``writeAll(_:to:)``.
public func writeAll(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
}
