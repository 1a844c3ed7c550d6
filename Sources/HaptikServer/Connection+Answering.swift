import EventLoop
import HTTP1

/// Sending answers: one at a time, reading paused while one is in flight, then keep-alive,
/// close, or a brief linger that drops the client's remaining bytes.
extension Connection {
    func answer(_ route: Route, closing: Bool = false, body: [UInt8] = []) {
        let after: AfterResponse = closing ? .linger : .nextRequest
        switch route {
        case .admin(let adminRoute):
            switch worker.admin.answer(adminRoute, body: body) {
            case .response(let response): respond(response, then: after)
            case .wait(let wait): park(wait)
            }
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

    /// Parks a `wait_for` query: reading pauses until the journal has enough matching entries
    /// (``recheckWait()``, run by the worker after appends) or the timeout passes.
    private func park(_ wait: JournalWait) {
        phase = .waiting(wait)
        socket.setReading(false)
        worker.startWaiting(self)
        do {
            try schedule(after: wait.timeoutSeconds) { [unowned self] in finishWait(timedOut: true) }
        } catch {
            finishWait(timedOut: true)
        }
    }

    /// Answers a parked query if enough entries now match.
    func recheckWait() {
        guard case .waiting(let wait) = phase, worker.admin.isSatisfied(wait) else { return }
        finishWait(timedOut: false)
    }

    private func finishWait(timedOut: Bool) {
        guard case .waiting(let wait) = phase else { return }
        cancelPhaseTimer()
        worker.stopWaiting(self)
        respond(worker.admin.listing(wait.filter, timedOut: timedOut), then: .nextRequest)
    }

    /// Sends `response`; `then` says what follows once it is sent (keep-alive permitting).
    func respond(_ response: Response, then: AfterResponse) {
        let wantsKeepAlive = then == .nextRequest || then == .closeUnannounced
        let keepAlive = wantsKeepAlive && keepsAlive(closesConnection: response.closesConnection)
        worker.withResponseBuffer { buffer in
            ResponseEncoder.append(response, keepAlive: keepAlive, date: worker.httpDate, to: &buffer)
            socket.write(buffer)
        }
        let after: AfterResponse = keepAlive ? then : (then == .linger || response.closesConnection ? .linger : .close)
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

    func startLingering() {
        phase = .lingering
        socket.shutdownOutput()
        socket.setReading(true)
        socket.input.drain(socket.input.count)
        do {
            try schedule(after: Worker.lingerSeconds) { [unowned self] in close() }
        } catch {
            close()
        }
    }

    func logCompletedRequest() {
        guard let request else { return }
        self.request = nil
        worker.logRequest(request, connectionID: id)
    }
}
