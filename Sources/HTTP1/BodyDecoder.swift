/// Reads one request body as its head frames it, stopping exactly at its end so that the bytes of
/// a pipelined next request stay in the input.
public struct BodyDecoder: Sendable {
    private enum Mode: Sendable {
        case contentLength(remaining: Int)
        case chunked(ChunkedDecoder)
    }

    private var mode: Mode
    /// Body bytes handed out so far (after dechunking).
    public private(set) var bytesDecoded = 0

    public init(framing: RequestHead.BodyFraming, limits: HTTPLimits = .default) {
        switch framing {
        case .contentLength(let length): mode = .contentLength(remaining: length)
        case .chunked: mode = .chunked(ChunkedDecoder(limits: limits))
        }
    }

    /// The body bytes still to come when the length is known (`Content-Length`); nil for chunked.
    public var remainingLength: Int? {
        if case .contentLength(let remaining) = mode { return remaining }
        return nil
    }

    /// Whether the whole body has been read.
    public var isComplete: Bool {
        switch mode {
        case .contentLength(let remaining): remaining == 0
        case .chunked(let decoder): decoder.isComplete
        }
    }

    /// Decodes from `input`, handing body bytes to `onData` (valid only during the call).
    /// Returns how many bytes of `input` belong to this body and were consumed.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer, onData: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        switch mode {
        case .contentLength(let remaining):
            let take = min(remaining, input.count)
            guard take > 0 else { return 0 }
            mode = .contentLength(remaining: remaining - take)
            bytesDecoded += take
            try onData(UnsafeRawBufferPointer(rebasing: input[..<take]))
            return take
        case .chunked(var decoder):
            var decoded = 0
            defer {
                mode = .chunked(decoder)
                bytesDecoded += decoded
            }
            return try decoder.decode(input) { data in
                decoded += data.count
                try onData(data)
            }
        }
    }
}
