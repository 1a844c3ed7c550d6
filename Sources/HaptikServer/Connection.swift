import EventLoop
import Haptik
import HTTP1
import Logging
import Multipart

/// One client connection: reads requests one at a time and answers them in order. While an answer
/// is being sent, reading pauses; when it drains, whatever the client pipelined is parsed next.
/// Lives on its worker's thread only.
final class Connection: BufferedSocketDelegate {
    private enum Phase {
        /// `searchedUpTo`: how far the input has been searched for the head's end without finding it.
        case awaitingHead(searchedUpTo: Int)
        case readingBody(BodyReader)
        /// `then`: what happens once the answer has been handed to the kernel.
        case responding(then: AfterResponse)
        /// Answered early with `Connection: close`: the client's remaining bytes are read and dropped,
        /// briefly, so that closing does not reset the connection before the client reads the answer.
        case lingering
        case closed
    }

    private enum AfterResponse { case nextRequest, close, linger }

    /// Where body bytes go.
    fileprivate enum BodySink {
        case upload(UploadInProgress)
        /// Read and drop the body, then answer `route`.
        case discard(then: Route)
    }

    /// The body being read: its framing and its destination, changed in place as bytes arrive.
    private final class BodyReader {
        var decoder: BodyDecoder
        var sink: BodySink

        init(_ decoder: BodyDecoder, _ sink: BodySink) {
            self.decoder = decoder
            self.sink = sink
        }
    }

    let id: Int
    private let socket: BufferedSocket
    private unowned let worker: Worker
    private var phase: Phase = .awaitingHead(searchedUpTo: 0)
    private var request: RequestRecord?
    private var lingerTimer: Timer?

    init(id: Int, socket: BufferedSocket, worker: Worker) {
        self.id = id
        self.socket = socket
        self.worker = worker
    }

    /// Whether no request is under way: nothing buffered, nothing being answered.
    var isIdle: Bool {
        if case .awaitingHead = phase { return socket.input.isEmpty }
        return false
    }

    // MARK: - Socket events

    func socketHasInput(_ socket: BufferedSocket) {
        process()
    }

    func socketDidDrainOutput(_ socket: BufferedSocket) {
        guard case .responding(let then) = phase else { return }
        logCompletedRequest()
        switch then {
        case .nextRequest where !worker.isDraining:
            phase = .awaitingHead(searchedUpTo: 0)
            socket.setReading(true)
            process()
        case .nextRequest, .close:
            close()
        case .linger:
            startLingering()
        }
    }

    func socket(_ socket: BufferedSocket, didEndWith reason: SocketEnd) {
        if case .readingBody = phase, let request {
            worker.logger.info("request aborted", metadata: [
                "connection.id": "\(id)", "http.method": "\(request.method)", "http.path": "\(request.path)",
                "reason": "\(reason)", "http.bytes": "\(request.bodyBytes)",
            ])
        }
        close()   // drops any upload in progress, which deletes its temporary file
    }

    /// Closes the socket and forgets the request in progress. Safe to call twice.
    func close() {
        if case .closed = phase { return }
        phase = .closed
        lingerTimer?.cancel()
        lingerTimer = nil
        socket.close()
        worker.connectionDidClose(self)
    }

    // MARK: - Reading requests

    /// Parses and answers as much of the input as the current phase allows.
    private func process() {
        while true {
            let progressed: Bool
            switch phase {
            case .awaitingHead(let searchedUpTo): progressed = readHead(searchedUpTo: searchedUpTo)
            case .readingBody(let reader): progressed = readBody(reader)
            case .lingering:
                socket.input.drain(socket.input.count)
                return
            case .responding, .closed:
                return
            }
            if !progressed { return }
        }
    }

    /// Finds, parses and dispatches one request head. Returns false when more bytes are needed.
    private func readHead(searchedUpTo: Int) -> Bool {
        let input = socket.input
        let available = input.count
        guard available > 0 else { return false }
        let limit = worker.httpLimits.maxHeadBytes
        let searchRange = max(0, searchedUpTo - 3)..<min(available, limit)
        if let end = input.firstOffset(of: "\r\n\r\n", in: searchRange) {
            let parsed = input.withContiguousPrefix(end + 4) { bytes in
                Result { () throws(HTTPParseError) in try RequestHeadParser.parse(bytes) }
            }
            input.drain(end + 4)
            switch parsed {
            case .success(let head): dispatch(head)
            case .failure(let error): respond(.failure(error), then: .linger)
            }
            return true
        }
        if input.firstOffset(of: "\n\n", in: searchRange) != nil {
            respond(.failure(.invalidLineEnding), then: .linger)   // a head with bare LFs never ends in CRLFCRLF
            return true
        }
        if available >= limit {
            respond(.failure(.headTooLarge), then: .linger)
            return true
        }
        phase = .awaitingHead(searchedUpTo: available)
        return false
    }

    private func dispatch(_ head: RequestHead) {
        request = RequestRecord(head: head)
        let route = Route(head)
        if case .upload = route {
            switch worker.uploads.begin(head) {
            case .reject(let response):
                respond(response, then: .linger)
            case .proceed(let upload) where head.hasNoBody:
                respond(worker.uploads.complete(upload, logger: worker.logger), then: .nextRequest)   // an empty body: malformed at once
            case .proceed(let upload):
                if head.expectsContinue { socket.write(ResponseEncoder.continueResponse) }
                phase = .readingBody(BodyReader(BodyDecoder(framing: head.framing, limits: worker.httpLimits), .upload(upload)))
            }
        } else if head.hasNoBody {
            answer(route)
        } else if head.expectsContinue {
            answer(route, closing: true)   // no need for a body we would drop
        } else {
            phase = .readingBody(BodyReader(BodyDecoder(framing: head.framing, limits: worker.httpLimits), .discard(then: route)))
        }
    }

    /// Feeds the first buffered chunk to the body. Returns false when more bytes are needed.
    private func readBody(_ reader: BodyReader) -> Bool {
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

    // MARK: - Answering

    private func answer(_ route: Route, closing: Bool = false) {
        let after: AfterResponse = closing ? .linger : .nextRequest
        switch route {
        case .health:
            respond(.health, then: after)
        case .fixed(let response):
            respond(response, then: after)
        case .content(let name):
            guard let file = worker.content.open(name: name) else {
                respond(.notFound, then: after)
                return
            }
            let keepAlive = !closing && keepsAlive(closesConnection: false)
            worker.withResponseBuffer { buffer in
                ResponseEncoder.appendHead(status: 200, contentType: file.contentType, contentLength: file.size,
                                           keepAlive: keepAlive, date: worker.httpDate, to: &buffer)
                socket.write(buffer)
            }
            socket.writeFile(fd: file.fd, offset: 0, length: file.size)
            awaitDrain(status: 200, then: keepAlive ? .nextRequest : .close)
        case .upload:
            preconditionFailure("uploads are answered by their endpoint")
        }
    }

    /// Sends `response`; `then` says what follows once it is sent (keep-alive permitting).
    private func respond(_ response: Response, then: AfterResponse) {
        let keepAlive = then == .nextRequest && keepsAlive(closesConnection: response.closesConnection)
        worker.withResponseBuffer { buffer in
            ResponseEncoder.append(response, keepAlive: keepAlive, date: worker.httpDate, to: &buffer)
            socket.write(buffer)
        }
        let after: AfterResponse = keepAlive ? .nextRequest : (then == .linger || response.closesConnection ? .linger : .close)
        awaitDrain(status: response.status, then: after)
    }

    private func keepsAlive(closesConnection: Bool) -> Bool {
        (request?.keepAlive ?? false) && !closesConnection && !worker.isDraining
    }

    /// Waits for the answer to reach the kernel, with reading paused; most answers already have.
    private func awaitDrain(status: Int, then: AfterResponse) {
        request?.status = status
        phase = .responding(then: then)
        if socket.pendingOutputCount == 0 {
            socketDidDrainOutput(socket)
        } else {
            socket.setReading(false)
        }
    }

    private func startLingering() {
        phase = .lingering
        socket.shutdownOutput()
        socket.setReading(true)
        socket.input.drain(socket.input.count)
        do {
            let timer = try Timer(base: worker.base) { [unowned self] in close() }
            timer.schedule(after: Worker.lingerSeconds)
            lingerTimer = timer
        } catch {
            close()
        }
    }

    private func logCompletedRequest() {
        guard let request else { return }
        self.request = nil
        worker.logRequest(request, connectionID: id)
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
