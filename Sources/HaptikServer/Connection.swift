import EventLoop
import Haptik
import HTTP1
import Logging
import Multipart

/// One client connection: reads requests one at a time and answers them in order. While an answer
/// is being sent, reading pauses; when it drains, whatever the client pipelined is parsed next.
/// Lives on its worker's thread only.
final class Connection: BufferedSocketDelegate {
    enum Phase {
        /// `searchedUpTo`: how far the input has been searched for the head's end without finding it.
        case awaitingHead(searchedUpTo: Int)
        case readingBody(BodyReader)
        /// `GET /__admin/uploads?wait_for=N`, parked until enough entries match or the time is up.
        case waiting(JournalWait)
        /// A `delay_ms` fault holds the answer back until the phase timer fires.
        case holdingAnswer
        /// `then`: what happens once the answer has been handed to the kernel.
        case responding(then: AfterResponse)
        /// Answered early with `Connection: close`: the client's remaining bytes are read and dropped,
        /// briefly, so that closing does not reset the connection before the client reads the answer.
        case lingering
        case closed
    }

    enum AfterResponse {
        case nextRequest, close, linger
        /// Close once sent, though the answer allowed keep-alive (`close_after_response`).
        case closeUnannounced
    }

    let id: Int
    let socket: BufferedSocket
    unowned let worker: Worker
    var phase: Phase = .awaitingHead(searchedUpTo: 0)
    var request: RequestRecord?
    /// The one timer a phase may need (linger, `wait_for`, a fault's delay, stall or throttle);
    /// made on first use and kept, so it is never freed from its own callback.
    private var phaseTimer: Timer?
    private var phaseTimerAction: (() -> Void)?
    /// Whether ``process()`` is running, lower in this thread's stack.
    private var isProcessing = false

    init(id: Int, socket: BufferedSocket, worker: Worker) {
        self.id = id
        self.socket = socket
        self.worker = worker
    }

    /// Whether no request is under way: nothing received, nothing being answered.
    var isIdle: Bool {
        if case .awaitingHead = phase { return !socket.hasUnreadInput }
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
        case .nextRequest, .close, .closeUnannounced:
            close()
        case .linger:
            startLingering()
        }
    }

    func socket(_ socket: BufferedSocket, didEndWith reason: SocketEnd) {
        close(journaling: reason == .timeout ? "idle_timeout" : "client_disconnected")
    }

    /// Closes the socket (with a TCP reset when `resetting`) and forgets the request in progress,
    /// which deletes an upload's temporary file; an upload still being read is journaled as
    /// aborted with `reason`. Safe to call twice.
    func close(journaling reason: String = "connection_closed", resetting: Bool = false) {
        if case .closed = phase { return }
        if case .readingBody = phase, let request {
            worker.logger.info("request aborted", metadata: [
                "connection.id": "\(id)", "http.method": "\(request.method)", "http.path": "\(request.path)",
                "reason": "\(reason)", "http.bytes": "\(request.bodyBytes)",
            ])
        }
        journalUnansweredUpload(reason: reason)
        phase = .closed
        cancelPhaseTimer()
        if resetting { socket.reset() } else { socket.close() }
        worker.connectionDidClose(self)
    }

    // MARK: - The phase timer

    /// Runs `action` after `seconds` unless cancelled first, replacing any earlier schedule.
    func schedule(after seconds: Double, _ action: @escaping () -> Void) throws(EventLoopError) {
        if phaseTimer == nil {
            phaseTimer = try Timer(base: worker.base) { [unowned self] in
                let action = phaseTimerAction
                phaseTimerAction = nil
                action?()
            }
        }
        phaseTimerAction = action
        phaseTimer?.schedule(after: seconds)
    }

    func cancelPhaseTimer() {
        phaseTimer?.cancel()
        phaseTimerAction = nil
    }

    // MARK: - Reading requests

    /// Parses and answers as much of the input as the current phase allows. A call made while
    /// this loop runs (an answer that drained at once asks for the next request) returns at
    /// once: the running loop goes on with the new phase, so pipelined requests are handled one
    /// after the other, not nested, and each request's state is released before the next starts.
    func process() {
        guard !isProcessing else { return }
        isProcessing = true
        defer { isProcessing = false }
        while true {
            let progressed: Bool
            switch phase {
            case .awaitingHead(let searchedUpTo): progressed = readHead(searchedUpTo: searchedUpTo)
            case .readingBody(let reader): progressed = readBody(reader)
            case .lingering:
                socket.input.drain(socket.input.count)
                return
            case .responding, .waiting, .holdingAnswer, .closed:
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
            switch worker.uploads.begin(head, authenticator: worker.authenticator) {
            case .reject(let response):
                respond(response, then: .linger)
            case .proceed(let upload):
                let reader = BodyReader(BodyDecoder(framing: head.framing, limits: worker.httpLimits), .upload(upload),
                                        gate: BodyGate(upload.preBodyFault, idleTimeout: worker.idleTimeout))
                phase = .readingBody(reader)
                if let gate = reader.gate, gate.strikesAtHead {
                    _ = holdBack(reader, gate)
                } else if head.hasNoBody {   // an empty body: malformed at once, unless a fault strikes
                    finishBody(reader)
                } else if head.expectsContinue {
                    socket.write(ResponseEncoder.continueResponse)
                }
            }
        } else if case .admin(let adminRoute) = route, adminRoute.takesBody, !head.hasNoBody {
            if head.expectsContinue { socket.write(ResponseEncoder.continueResponse) }
            phase = .readingBody(BodyReader(BodyDecoder(framing: head.framing, limits: worker.httpLimits),
                                            .collect(BodyCollector(), then: adminRoute)))
        } else if head.hasNoBody {
            answer(route)
        } else if head.expectsContinue {
            answer(route, closing: true)   // no need for a body we would drop
        } else {
            phase = .readingBody(BodyReader(BodyDecoder(framing: head.framing, limits: worker.httpLimits), .discard(then: route)))
        }
    }
}
