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
            watchStall(until: .now + .seconds(seconds))
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

    /// Keeps a stalled connection open, reading nothing, until `deadline` or until the client has
    /// left, whichever comes first; checks a few times a second, as reading is off.
    private func watchStall(until deadline: ContinuousClock.Instant) {
        let remaining = deadline - .now
        guard remaining > .zero, !socket.peerHasLeft else { return close(journaling: "fault_stall") }
        do {
            try schedule(after: min(remaining.inSeconds, Self.stallCheckSeconds)) { [unowned self] in watchStall(until: deadline) }
        } catch {
            close(journaling: "fault_stall")
        }
    }

    /// How often a stalled connection checks whether its client left.
    static let stallCheckSeconds = 0.2

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
