import Haptik

/// How a pre-body fault holds back the reading of a body (CONTRACT §10): reading stops at a byte
/// count, then the connection is reset or left stalled, or it follows a rate.
enum BodyGate {
    case resetAfter(bytes: Int)
    case stallAfter(bytes: Int, seconds: Double)
    case throttle(bytesPerSecond: Int, since: ContinuousClock.Instant)

    /// The gate for a pre-body fault, nil for none: `reset_before_body` resets after 0 bytes; a
    /// stall without `stall_ms` lasts the idle timeout.
    init?(_ fault: FaultAction?, idleTimeout: Double) {
        switch fault {
        case .resetBeforeBody?:
            self = .resetAfter(bytes: 0)
        case .resetAfterBytes(let bytes)?:
            self = .resetAfter(bytes: bytes)
        case .stallAfterBytes(let bytes, let milliseconds)?:
            self = .stallAfter(bytes: bytes, seconds: milliseconds.map { Double($0) / 1000 } ?? idleTimeout)
        case .throttle(let rate)?:
            self = .throttle(bytesPerSecond: rate, since: .now)
        default:
            return nil
        }
    }

    /// Whether the fault strikes even when the body ends before its byte count.
    var strikesAtBodyEnd: Bool {
        if case .throttle = self { return false }
        return true
    }

    /// Whether the fault strikes before any body byte is read (and before `100 Continue`).
    var strikesAtHead: Bool {
        strikesAtBodyEnd && allowance(bytesRead: 0) == 0
    }

    /// How many more body bytes may be read now, `bytesRead` having been read.
    func allowance(bytesRead: Int) -> Int {
        switch self {
        case .resetAfter(let limit), .stallAfter(let limit, _):
            return max(0, limit - bytesRead)
        case .throttle(let rate, let start):
            return max(0, Int(Double(rate) * (ContinuousClock.now - start).inSeconds) - bytesRead)
        }
    }

    /// For a throttle: how long until a slice (a twentieth of a second's worth) more may be read.
    func secondsUntilNextSlice(bytesRead: Int) -> Double {
        guard case .throttle(let rate, let start) = self else { return 0 }
        let slice = max(1, rate / 20)
        return max(0, Double(bytesRead + slice) / Double(rate) - (ContinuousClock.now - start).inSeconds)
    }
}
