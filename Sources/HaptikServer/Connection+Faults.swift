import EventLoop
import Haptik

/// What pre-body and answer faults do to a connection (CONTRACT §10). Each touches only this
/// connection: the loop goes on serving the others while it waits.
extension Connection {
    /// Acts on a gate that allows no more bytes now: resets, stalls, or pauses a throttled read
    /// until its next slice. Returns false: nothing more can be read for now.
    func holdBack(_ reader: BodyReader, _ gate: BodyGate) -> Bool {
        switch gate {
        case .resetAfter:
            close(journaling: "fault_reset", resetting: true)
        case .stallAfter(_, let seconds):
            guard !reader.isStalled else { return false }
            reader.isStalled = true
            socket.setReading(false)
            do {
                try socket.watchForPeerClose { [unowned self] in close(journaling: "fault_stall") }
                try schedule(after: seconds) { [unowned self] in close(journaling: "fault_stall") }
            } catch {
                close(journaling: "fault_stall")
            }
        case .throttle:
            socket.setReading(false)
            do {
                try schedule(after: gate.secondsUntilNextSlice(bytesRead: reader.decoder.bytesDecoded)) { [unowned self] in
                    socket.setReading(true)
                    process()
                }
            } catch {
                close(journaling: "internal_error")
            }
        }
        return false
    }

    /// Sends a completed upload's answer: held back for a `delay_ms` fault, followed by a close for
    /// `close_after_response`.
    func deliver(_ answer: UploadAnswer) {
        let after: AfterResponse = answer.closesAfterwards ? .closeUnannounced : .nextRequest
        guard let delay = answer.delaySeconds else { return respond(answer.response, then: after) }
        phase = .holdingAnswer
        socket.setReading(false)
        do {
            try schedule(after: delay) { [unowned self] in respond(answer.response, then: after) }
        } catch {
            respond(answer.response, then: after)
        }
    }
}
