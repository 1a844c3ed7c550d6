import CLibevent

/// The unread bytes of a socket (its input `evbuffer`), read in place: search, peek and drain, so
/// request bodies go from libevent's buffers to their destination without a copy through Swift.
/// Valid only during the callback that produced it.
public struct InputBuffer {
    let raw: OpaquePointer?

    public var count: Int { raw.map { evbuffer_get_length($0) } ?? 0 }

    public var isEmpty: Bool { count == 0 }

    /// The offset of the first `pattern` starting in `range` (the pattern may extend past its end),
    /// found with `evbuffer_search_range`, or nil.
    public func firstOffset(of pattern: StaticString, in range: Range<Int>) -> Int? {
        guard let raw, !range.isEmpty else { return nil }
        var start = evbuffer_ptr()
        guard evbuffer_ptr_set(raw, &start, range.lowerBound, EVBUFFER_PTR_SET) == 0 else { return nil }
        var end = evbuffer_ptr()
        let endOffset = min(range.upperBound + pattern.utf8CodeUnitCount - 1, count)
        guard evbuffer_ptr_set(raw, &end, endOffset, EVBUFFER_PTR_SET) == 0 else { return nil }
        let found = pattern.withUTF8Buffer { pattern in
            pattern.withMemoryRebound(to: CChar.self) {
                evbuffer_search_range(raw, $0.baseAddress, $0.count, &start, &end)
            }
        }
        return found.pos >= 0 ? found.pos : nil
    }

    /// Calls `body` with the first `length` bytes made contiguous (`evbuffer_pullup`: a copy only
    /// when they span chunks). For request heads, never for bodies.
    public func withContiguousPrefix<T>(_ length: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let raw, length > 0, let start = evbuffer_pullup(raw, length) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: start, count: min(length, count)))
    }

    /// Calls `body` with each contiguous chunk of the buffer in turn, in place, up to
    /// ``maxChunksPerPass`` of them; `body` returns how many bytes of the chunk it consumed, and the
    /// pass stops at the first chunk not consumed whole. Nothing is drained: the chunks stay valid
    /// until the caller calls ``drain(_:)`` with the returned total.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Int) rethrows -> Int {
        guard let raw else { return 0 }
        return try withUnsafeTemporaryAllocation(of: iovec.self, capacity: Self.maxChunksPerPass) { vectors in
            let count = Int(evbuffer_peek(raw, -1, nil, vectors.baseAddress, Int32(Self.maxChunksPerPass)))
            var consumed = 0
            for vector in vectors.prefix(min(count, Self.maxChunksPerPass)) {
                guard let base = vector.iov_base else { continue }
                let used = try body(UnsafeRawBufferPointer(start: base, count: vector.iov_len))
                consumed += used
                if used < vector.iov_len { break }
            }
            return consumed
        }
    }

    /// How many chunks one ``forEachChunk(_:)`` pass visits at most.
    public static let maxChunksPerPass = 64

    /// Discards the first `count` bytes.
    public func drain(_ count: Int) {
        guard let raw, count > 0 else { return }
        evbuffer_drain(raw, count)
    }
}
