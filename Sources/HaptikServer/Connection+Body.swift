import EventLoop
import Haptik
import HTTP1
import Multipart

/// Reading a request body: in batches when its length is known, into an upload or dropped.
extension Connection {
    /// Where body bytes go.
    enum BodySink {
        case upload(UploadInProgress)
        /// Read and drop the body, then answer `route`.
        case discard(then: Route)
    }

    /// The body being read: its framing and its destination, changed in place as bytes arrive.
    final class BodyReader {
        var decoder: BodyDecoder
        var sink: BodySink

        init(_ decoder: BodyDecoder, _ sink: BodySink) {
            self.decoder = decoder
            self.sink = sink
        }
    }

    /// Feeds the buffered body bytes, a batch at a time, to the sink. Returns false when more bytes
    /// are needed.
    func readBody(_ reader: BodyReader) -> Bool {
        let input = socket.input
        guard !input.isEmpty else { return false }
        if awaitsFullBatch(reader.decoder, buffered: input.count) { return false }
        do {
            let consumed = try input.forEachChunk { chunk in
                try reader.decoder.decode(chunk) { data throws(ImmediateAnswer) in try reader.sink.consume(data) }
            }
            try reader.sink.flush()   // before the drain: file bytes are written from the input's chunks
            input.drain(consumed)
        } catch let answer as ImmediateAnswer {
            request?.bodyBytes = reader.decoder.bytesDecoded
            respond(answer.response, then: .linger)
            return true
        } catch let error as HTTPParseError {
            respond(.failure(error), then: .linger)
            return true
        } catch {
            respond(.error(status: 500, "internal error: \(error)", closesConnection: true), then: .linger)
            return true
        }
        request?.bodyBytes = reader.decoder.bytesDecoded
        guard reader.decoder.isComplete else {
            _ = awaitsFullBatch(reader.decoder, buffered: input.count)
            return true
        }
        socket.setReadLowWatermark(0)
        switch reader.sink {
        case .upload(let upload): respond(worker.uploads.complete(upload, logger: worker.logger), then: .nextRequest)
        case .discard(let route): answer(route)
        }
        return true
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
}

extension Connection.BodySink {
    /// Writes what the upload gathered; a storage failure is answered at once.
    func flush() throws(ImmediateAnswer) {
        guard case .upload(let upload) = self else { return }
        do {
            try upload.flush()
        } catch {
            throw ImmediateAnswer(response: .failure(error))
        }
    }

    /// Passes body bytes on. A failure the client must hear about at once escapes as
    /// ``ImmediateAnswer``; any other makes the rest of the body be dropped and answered at its end.
    mutating func consume(_ data: UnsafeRawBufferPointer) throws(ImmediateAnswer) {
        guard case .upload(let upload) = self else { return }
        do {
            try upload.consume(data)
        } catch let rejection as UploadRejection where rejection.answersBeforeBodyEnd {
            throw ImmediateAnswer(response: .failure(rejection, beforeBodyEnd: true))
        } catch let error as StorageError {
            throw ImmediateAnswer(response: .failure(error))
        } catch let error as MultipartError {
            self = .discard(then: .fixed(.failure(error)))
        } catch let rejection as UploadRejection {
            self = .discard(then: .fixed(.failure(rejection)))
        } catch {
            throw ImmediateAnswer(response: .error(status: 500, "internal error: \(error)", closesConnection: true))
        }
    }
}
