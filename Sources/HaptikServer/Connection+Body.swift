import EventLoop
import Haptik
import HTTP1
import Multipart

/// Reading a request body: in batches when its length is known, into an upload or dropped.
extension Connection {
    /// Where body bytes go.
    enum BodySink {
        case upload(UploadInProgress)
        /// An upload refused mid-body for a reason that waits for the body's end: the rest is read
        /// and dropped, then `response` is sent and the upload journaled.
        case rejectedUpload(UploadInProgress, Response, reason: String)
        /// Read and drop the body, then answer `route`.
        case discard(then: Route)
        /// Keep the body (a small JSON document for the admin API), then answer `route` with it.
        case collect(BodyCollector, then: AdminRoute)
    }

    /// The body being read: its framing, its destination (changed in place as bytes arrive), and
    /// the fault that holds its reading back, if any.
    final class BodyReader {
        var decoder: BodyDecoder
        var sink: BodySink
        let gate: BodyGate?
        /// Set once a stall fault stopped the reading for good.
        var isStalled = false

        init(_ decoder: BodyDecoder, _ sink: BodySink, gate: BodyGate? = nil) {
            self.decoder = decoder
            self.sink = sink
            self.gate = gate
        }
    }

    /// Feeds the buffered body bytes, a batch at a time, to the sink; a gated body no further than
    /// its gate allows. Returns false when more bytes (or time) are needed.
    func readBody(_ reader: BodyReader) -> Bool {
        var allowance = Int.max
        if let gate = reader.gate {
            allowance = gate.allowance(bytesRead: reader.decoder.bytesDecoded)
            if allowance == 0 { return holdBack(reader, gate) }
        }
        let input = socket.input
        guard !input.isEmpty else { return false }
        if reader.gate == nil, awaitsFullBatch(reader.decoder, buffered: input.count) { return false }
        do {
            let consumed = try input.forEachChunk { chunk in
                let allowed = allowance < chunk.count ? UnsafeRawBufferPointer(rebasing: chunk[..<allowance]) : chunk
                let used = try reader.decoder.decode(allowed) { data throws(ImmediateAnswer) in try reader.sink.consume(data) }
                allowance -= used
                return used
            }
            try reader.sink.flush()   // before the drain: file bytes are written from the input's chunks
            input.drain(consumed)
        } catch let answer as ImmediateAnswer {
            return answerAtOnce(answer, reader)
        } catch let error as HTTPParseError {
            return answerAtOnce(ImmediateAnswer(response: .failure(error), reason: "malformed_request"), reader)
        } catch {
            let response = Response.error(status: 500, "internal error: \(error)", closesConnection: true)
            return answerAtOnce(ImmediateAnswer(response: response, reason: "internal_error"), reader)
        }
        request?.bodyBytes = reader.decoder.bytesDecoded
        guard reader.decoder.isComplete else {
            if reader.gate == nil { _ = awaitsFullBatch(reader.decoder, buffered: input.count) }
            return true
        }
        finishBody(reader)
        return true
    }

    /// Answers a body read whole, unless a reset or stall fault still has to strike.
    func finishBody(_ reader: BodyReader) {
        if let gate = reader.gate, gate.strikesAtBodyEnd {
            _ = holdBack(reader, gate)
            return
        }
        socket.setReadLowWatermark(0)
        let bytesReceived = reader.decoder.bytesDecoded
        switch reader.sink {
        case .upload(let upload):
            deliver(worker.uploads.complete(upload, bytesReceived: bytesReceived, logger: worker.logger))
        case .rejectedUpload(let upload, let response, let reason):
            upload.journal(status: response.status, reason: reason, bytesReceived: bytesReceived)
            respond(response, then: .nextRequest)
        case .discard(let route):
            answer(route)
        case .collect(let collector, let route):
            answer(.admin(route), body: collector.bytes)
        }
    }

    /// Sends an answer that cannot wait for the rest of the body, then lingers; an upload is journaled.
    private func answerAtOnce(_ answer: ImmediateAnswer, _ reader: BodyReader) -> Bool {
        request?.bodyBytes = reader.decoder.bytesDecoded
        reader.sink.upload?.journal(status: answer.response.status, reason: answer.reason,
                                    bytesReceived: reader.decoder.bytesDecoded)
        respond(answer.response, then: .linger)
        return true
    }

    /// Journals an upload whose client went away (or was closed) before the answer.
    /// Bytes held back for a full batch are fed first, so the entry shows everything read; a
    /// gated body's are not, as they were held back on purpose.
    func journalUnansweredUpload(reason: String) {
        guard case .readingBody(let reader) = phase, let upload = reader.sink.upload else { return }
        if case .upload = reader.sink, reader.gate == nil {
            let input = socket.input
            let consumed = try? input.forEachChunk { chunk in
                try reader.decoder.decode(chunk) { data throws(ImmediateAnswer) in try reader.sink.consume(data) }
            }
            input.drain(consumed ?? 0)
        }
        upload.journal(status: nil, reason: reason, bytesReceived: reader.decoder.bytesDecoded)
    }

    /// Sets the read watermark to the next batch of a body of known length, and says whether fewer
    /// bytes than that are buffered (then the socket calls back once the batch is in).
    private func awaitsFullBatch(_ decoder: BodyDecoder, buffered: Int) -> Bool {
        guard let remaining = decoder.remainingLength else { return false }
        let batch = min(remaining, Worker.bodyBatchBytes)
        socket.setReadLowWatermark(batch)
        return buffered < batch
    }
}

/// An answer that cannot wait for the rest of the body (413 for the file, 507/500 for storage).
struct ImmediateAnswer: Error {
    let response: Response
    /// The journal's reason code.
    let reason: String
}

extension Connection.BodySink {
    /// The upload this body feeds or fed, if any.
    var upload: UploadInProgress? {
        switch self {
        case .upload(let upload), .rejectedUpload(let upload, _, _): upload
        case .discard, .collect: nil
        }
    }

    /// Writes what the upload gathered; a storage failure is answered at once.
    func flush() throws(ImmediateAnswer) {
        guard case .upload(let upload) = self else { return }
        do {
            try upload.flush()
        } catch {
            throw ImmediateAnswer(response: .failure(error), reason: error.reason)
        }
    }

    /// Passes body bytes on. A failure the client must hear about at once escapes as
    /// ``ImmediateAnswer``; any other makes the rest of the body be dropped and answered at its end.
    mutating func consume(_ data: UnsafeRawBufferPointer) throws(ImmediateAnswer) {
        if case .collect(let collector, _) = self {
            guard collector.bytes.count + data.count <= BodyCollector.limit else {
                let response = Response.error(status: 413, "request body exceeds \(BodyCollector.limit) bytes",
                                              closesConnection: true)
                throw ImmediateAnswer(response: response, reason: "body_too_large")
            }
            collector.bytes.append(contentsOf: data)
            return
        }
        guard case .upload(let upload) = self else { return }
        do {
            try upload.consume(data)
        } catch let rejection as UploadRejection where rejection.answersBeforeBodyEnd {
            throw ImmediateAnswer(response: .failure(rejection, beforeBodyEnd: true), reason: rejection.reason)
        } catch let error as StorageError {
            throw ImmediateAnswer(response: .failure(error), reason: error.reason)
        } catch let error as MultipartError {
            self = .rejectedUpload(upload, .failure(error), reason: "malformed_multipart")
        } catch let rejection as UploadRejection {
            self = .rejectedUpload(upload, .failure(rejection), reason: rejection.reason)
        } catch {
            let response = Response.error(status: 500, "internal error: \(error)", closesConnection: true)
            throw ImmediateAnswer(response: response, reason: "internal_error")
        }
    }
}

/// The body of an admin request, kept whole: at most ``limit`` bytes.
final class BodyCollector {
    static let limit = 1_048_576
    var bytes: [UInt8] = []
}
