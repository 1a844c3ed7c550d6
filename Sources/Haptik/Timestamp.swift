#if canImport(Glibc)
import Glibc
#endif

/// A moment in UTC with millisecond precision, formatted by arithmetic alone: no per-request
/// `DateFormatter`, and no `gmtime_r`, which takes glibc's global time-zone lock.
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
        let time = CivilTime(self)
        FixedText.append(count: 24, to: &bytes) { text in
            text.put(time.year, digits: 4)
            text.put(UInt8(ascii: "-"))
            text.put(time.month, digits: 2)
            text.put(UInt8(ascii: "-"))
            text.put(time.day, digits: 2)
            text.put(UInt8(ascii: "T"))
            text.putTimeOfDay(time)
            text.put(UInt8(ascii: "."))
            text.put(time.millisecond, digits: 3)
            text.put(UInt8(ascii: "Z"))
        }
    }

    /// `Thu, 26 Nov 2026 00:56:08 GMT`, the IMF-fixdate of RFC 9110 §5.6.7 for `Date` headers.
    public var httpDate: [UInt8] {
        let time = CivilTime(self)
        var bytes: [UInt8] = []
        FixedText.append(count: 29, to: &bytes) { text in
            text.put(Self.weekdays[time.weekday])
            text.put(", ")
            text.put(time.day, digits: 2)
            text.put(" ")
            text.put(Self.months[time.month - 1])
            text.put(" ")
            text.put(time.year, digits: 4)
            text.put(" ")
            text.putTimeOfDay(time)
            text.put(" GMT")
        }
        return bytes
    }

    private static let weekdays: [StaticString] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]   // 1970-01-01 was a Thursday
    private static let months: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
}

/// A text of known length written left to right on the stack, then appended in one copy: cheaper
/// than appending its bytes one by one.
private struct FixedText {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    /// Has `write` put up to `count` bytes, then appends them to `bytes`.
    static func append(count: Int, to bytes: inout [UInt8], _ write: (inout FixedText) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var text = FixedText(buffer: buffer)
            write(&text)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<text.count]))
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func put(_ byte: UInt8) {
        precondition(count < buffer.count, "FixedText overflow")
        buffer[count] = byte
        count += 1
    }

    mutating func put(_ ascii: StaticString) {
        ascii.withUTF8Buffer { for byte in $0 { put(byte) } }
    }

    /// `value` zero-padded to `digits` (2, 3 or 4) digits; divisions by constants only.
    mutating func put(_ value: Int, digits: Int) {
        let zero = UInt8(ascii: "0")
        if digits >= 4 { put(zero + UInt8(value / 1000 % 10)) }
        if digits >= 3 { put(zero + UInt8(value / 100 % 10)) }
        put(zero + UInt8(value / 10 % 10))
        put(zero + UInt8(value % 10))
    }

    mutating func putTimeOfDay(_ time: CivilTime) {
        put(time.hour, digits: 2)
        put(UInt8(ascii: ":"))
        put(time.minute, digits: 2)
        put(UInt8(ascii: ":"))
        put(time.second, digits: 2)
    }
}

/// A ``Timestamp``'s calendar fields in UTC (proleptic Gregorian), from Howard Hinnant's
/// `civil_from_days`: exact for every year from -9999 to 9999.
private struct CivilTime {
    let year, month, day, hour, minute, second, millisecond: Int
    /// 0 for Thursday, the weekday of 1970-01-01, through 6 for Wednesday.
    let weekday: Int

    init(_ timestamp: Timestamp) {
        let milliseconds = Int(timestamp.millisecondsSinceEpoch)
        let (days, millisecondOfDay) = Self.floorDivide(milliseconds, 86_400_000)
        millisecond = millisecondOfDay % 1000
        second = millisecondOfDay / 1000 % 60
        minute = millisecondOfDay / 60_000 % 60
        hour = millisecondOfDay / 3_600_000
        weekday = Self.floorDivide(days, 7).remainder
        let shifted = days + 719_468   // days since 0000-03-01
        let era = Self.floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Division rounding toward negative infinity, so times before 1970 come out right.
    static func floorDivide(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
