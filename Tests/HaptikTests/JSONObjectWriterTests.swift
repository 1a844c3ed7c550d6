import Foundation
import Haptik
import Testing

struct JSONObjectWriterTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func writesKeysInOrderWithTheVendorsSpacing() {
        var writer = JSONObjectWriter()
        writer.add("b", 1)
        writer.add("a", "x")
        writer.add("c", nil as String?)
        writer.add("d", nil as Int?)
        writer.add("e", -42)
        #expect(text(writer.finish()) == #"{"b": 1, "a": "x", "c": null, "d": null, "e": -42}"#)
    }

    @Test func anEmptyObjectIsBraces() {
        #expect(text(JSONObjectWriter().finish()) == "{}")
    }

    @Test func writesExtremeIntegers() {
        var writer = JSONObjectWriter()
        writer.add("min", Int.min)
        writer.add("max", Int.max)
        #expect(text(writer.finish()) == #"{"min": -9223372036854775808, "max": 9223372036854775807}"#)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("back\\slash", #""back\\slash""#),
        ("a/b", #""a/b""#),
        ("line\nbreak", #""line\nbreak""#),
        ("cr\rtab\t", #""cr\rtab\t""#),
        ("\u{0}", #""\u0000""#),
        ("\u{8}\u{C}", #""\u0008\u000c""#),
        ("\u{1F}", #""\u001f""#),
        ("\u{7F}", #""\u007f""#),
        ("é☃😀", "\"é☃😀\""),
        ("\u{2028}", "\"\u{2028}\""),
        ("", #""""#),
    ])
    func escapesStrings(value: String, expected: String) {
        var bytes: [UInt8] = []
        JSONObjectWriter.appendString(value, to: &bytes)
        #expect(text(bytes) == expected)
    }

    @Test func everyStringRoundTripsThroughAJSONParser() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
        let values = [controls, "\"\\\"\\\\", "naïve café — 日本語 😀", "\u{FFFD}", "</script>", String(repeating: "\\\"", count: 100)]
        for value in values {
            var writer = JSONObjectWriter()
            writer.add(value, value)
            let bytes = writer.finish()
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String])
            #expect(parsed == [value: value])
        }
    }

    @Test func errorBodyIsTheVendorsShape() throws {
        let body = JSONObjectWriter.errorBody("user is not registered")
        #expect(text(body) == #"{"error_message": "user is not registered"}"#)
        let tricky = JSONObjectWriter.errorBody("bad \"field\"\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(tricky)) as? [String: String]
        #expect(parsed == ["error_message": "bad \"field\"\n"])
    }
}
