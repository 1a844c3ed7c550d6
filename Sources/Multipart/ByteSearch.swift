#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pattern search with `memchr` for the first byte and `memcmp` for the rest: vectorized by the C
/// library, and no byte-by-byte Swift loop over file data.
enum ByteSearch {
    /// The index of the first `byte` in `bytes`, found with `memchr`.
    static func firstIndex(of byte: UInt8, in bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, let hit = memchr(base, Int32(byte), buffer.count) else { return nil }
            return bytes.startIndex + base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Where `pattern` first occurs whole in `bytes`, or else where a proper prefix of it starts at the
    /// very end of `bytes` (`partial`), so the caller knows which tail to keep for the next read.
    static func find(
        _ pattern: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer
    ) -> (whole: Int?, partial: Int?) {
        guard let base = bytes.baseAddress, let needle = pattern.baseAddress, !pattern.isEmpty else {
            return (nil, nil)
        }
        let first = Int32(pattern[0])
        var offset = 0
        while offset < bytes.count, let hit = memchr(base + offset, first, bytes.count - offset) {
            let position = base.distance(to: UnsafeRawPointer(hit))
            let available = bytes.count - position
            if available >= pattern.count {
                if memcmp(hit, needle, pattern.count) == 0 { return (position, nil) }
            } else if memcmp(hit, needle, available) == 0 {
                return (nil, position)
            }
            offset = position + 1
        }
        return (nil, nil)
    }
}
