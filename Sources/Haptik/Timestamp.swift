#if canImport(Glibc)
import Glibc
#endif

/// A moment in UTC with millisecond precision, formatted without Foundation (no per-request
/// `DateFormatter`).
public struct Timestamp: Equatable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The system's real-time clock.
    public static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(millisecondsSinceEpoch: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `2018-10-04T12:41:27.980Z`, the vendor's `created_at` format.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``iso8601``'s 24 bytes without building a String.
    public func appendISO8601(to bytes: inout [UInt8]) {
        let fields = brokenDown()
        Self.append(Int(fields.tm_year) + 1900, digits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(Int(fields.tm_mon) + 1, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(Int(fields.tm_mday), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTimeOfDay(fields, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.append(Int(millisecondsSinceEpoch %% 1000), digits: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `Thu, 26 Nov 2026 00:56:08 GMT`, the IMF-fixdate of RFC 9110 §5.6.7 for `Date` headers.
    public var httpDate: [UInt8] {
        let fields = brokenDown()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        bytes.append(contentsOf: Self.weekdays[Int(fields.tm_wday)].utf8)
        bytes.append(contentsOf: ", ".utf8)
        Self.append(Int(fields.tm_mday), digits: 2, to: &bytes)
        bytes.append(0x20)
        bytes.append(contentsOf: Self.months[Int(fields.tm_mon)].utf8)
        bytes.append(0x20)
        Self.append(Int(fields.tm_year) + 1900, digits: 4, to: &bytes)
        bytes.append(0x20)
        appendTimeOfDay(fields, to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
        return bytes
    }

    private func brokenDown() -> tm {
        var seconds = time_t(millisecondsSinceEpoch.floorDivided(by: 1000))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        return fields
    }

    private func appendTimeOfDay(_ fields: tm, to bytes: inout [UInt8]) {
        Self.append(Int(fields.tm_hour), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(Int(fields.tm_min), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(Int(fields.tm_sec), digits: 2, to: &bytes)
    }

    private static func append(_ value: Int, digits: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
            divisor /= 10
        }
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before 1970 format correctly too.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate static func %% (lhs: Int64, rhs: Int64) -> Int64 {
        let remainder = lhs % rhs
        return remainder < 0 ? remainder + rhs : remainder
    }
}

infix operator %%: MultiplicationPrecedence
