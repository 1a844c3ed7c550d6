import Foundation
import Haptik
import Testing

struct TimestampTests {
    @Test(arguments: [
        (Int64(1_538_656_887_980), "2018-10-04T12:41:27.980Z", "Thu, 04 Oct 2018 12:41:27 GMT"),
        (0, "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1, "1970-01-01T00:00:00.001Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (-1, "1969-12-31T23:59:59.999Z", "Wed, 31 Dec 1969 23:59:59 GMT"),
        (-1_000, "1969-12-31T23:59:59.000Z", "Wed, 31 Dec 1969 23:59:59 GMT"),
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z", "Thu, 29 Feb 2024 23:59:59 GMT"),
        (1_709_251_200_000, "2024-03-01T00:00:00.000Z", "Fri, 01 Mar 2024 00:00:00 GMT"),
        (951_782_400_050, "2000-02-29T00:00:00.050Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ])
    func formatsInUTC(milliseconds: Int64, iso8601: String, httpDate: String) {
        let timestamp = Timestamp(millisecondsSinceEpoch: milliseconds)
        #expect(timestamp.iso8601 == iso8601)
        #expect(String(decoding: timestamp.httpDate, as: UTF8.self) == httpDate)
    }

    @Test func iso8601AgreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let milliseconds = Int64.random(in: 0..<4_102_444_800_000, using: &generator)
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
            #expect(Timestamp(millisecondsSinceEpoch: milliseconds).iso8601 == expected, "\(milliseconds)")
        }
    }

    @Test func nowIsTheRealClock() {
        let before = Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))
        let now = Timestamp.now().millisecondsSinceEpoch
        let after = Int64((Date().timeIntervalSince1970 * 1_000).rounded(.up))
        #expect(before <= now && now <= after)
        #expect(Timestamp.now().iso8601.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }

    @Test func ordersByTime() {
        #expect(Timestamp(millisecondsSinceEpoch: -5) < Timestamp(millisecondsSinceEpoch: 0))
        #expect(!(Timestamp(millisecondsSinceEpoch: 7) < Timestamp(millisecondsSinceEpoch: 7)))
        #expect(Timestamp(millisecondsSinceEpoch: 7) == Timestamp(millisecondsSinceEpoch: 7))
    }
}
