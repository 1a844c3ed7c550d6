import Haptik
import Testing

/// `JSONValue`: a strict RFC 8259 parser that keeps numbers as their text and members in order,
/// and the compact rendering the admin API echoes rules with.
@Suite struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }
    func render(_ value: JSONValue) -> String { String(decoding: value.bytes, as: UTF8.self) }

    /// The syntax error for `text`, which must be refused.
    func refusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
        refusal(Array(text.utf8), sourceLocation: sourceLocation)
    }

    func refusal(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
        do {
            let value = try JSONValue(parsing: bytes)
            Issue.record("accepted \(value) from \(bytes)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Values

    /// Every JSON type parses to its case; surrounding whitespace (space, tab, LF, CR) is skipped.
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .number("0")),
        (#""""#, .string("")),
        (#""hi""#, .string("hi")),
        ("[]", .array([])),
        ("{}", .object([])),
        (" \t\r\n [ 1 ,\n\"a\" , null ] \r\n\t ", .array([.number("1"), .string("a"), .null])),
        (#"{ "a" : { "b" : [ true , false ] } }"#,
         .object([JSONMember("a", .object([JSONMember("b", .array([.bool(true), .bool(false)]))]))])),
    ])
    func parsesEveryType(text: String, expected: JSONValue) throws {
        #expect(try parse(text) == expected)
    }

    /// A number keeps the exact text it was sent as.
    @Test(arguments: ["1", "-0", "0", "0.50", "1e5", "1E+2", "-1.25e-3", "123456789012345678901234567890", "1.0", "-0.0e0"])
    func numbersKeepTheirText(text: String) throws {
        #expect(try parse(text) == .number(text))
        #expect(render(try parse(text)) == text)
    }

    /// Object members stay in the order sent, not sorted.
    @Test func objectMembersKeepTheirOrder() throws {
        let value = try parse(#"{"z": 1, "a": 2, "m": 3}"#)
        guard case .object(let members) = value else { Issue.record("not an object: \(value)"); return }
        #expect(members.map(\.key) == ["z", "a", "m"])
        #expect(members.map(\.value) == [.number("1"), .number("2"), .number("3")])
    }

    // MARK: - Accessors

    /// `integer` is only for numbers without fraction or exponent that fit `Int`.
    @Test(arguments: [
        ("1", 1 as Int?), ("-0", 0), ("-42", -42), ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
        ("9223372036854775808", nil), ("-9223372036854775809", nil), ("1.0", nil), ("1e2", nil), ("1E2", nil),
        (#""1""#, nil), ("true", nil), ("null", nil), ("[1]", nil),
    ])
    func integerAccessor(text: String, expected: Int?) throws {
        #expect(try parse(text).integer == expected)
    }

    /// `double` reads any number, and nothing else.
    @Test(arguments: [
        ("0.50", 0.5 as Double?), ("1e2", 100), ("1E+2", 100), ("-1", -1), ("-0", 0), ("2.5e-1", 0.25),
        (#""0.5""#, nil), ("false", nil), ("{}", nil),
    ])
    func doubleAccessor(text: String, expected: Double?) throws {
        #expect(try parse(text).double == expected)
    }

    /// `string` and `bool` only answer for their own type.
    @Test func stringAndBoolAccessors() throws {
        #expect(try parse(#""x""#).string == "x")
        #expect(try parse("1").string == nil)
        #expect(try parse("null").string == nil)
        #expect(try parse("true").bool == true)
        #expect(try parse("false").bool == false)
        #expect(try parse(#""true""#).bool == nil)
        #expect(try parse("0").bool == nil)
    }

    /// `kind` names the type with its article, for error messages.
    @Test(arguments: [
        ("null", "null"), ("true", "a boolean"), ("1", "a number"), (#""s""#, "a string"), ("[]", "an array"),
        ("{}", "an object"),
    ])
    func kindNamesTheType(text: String, kind: String) throws {
        #expect(try parse(text).kind == kind)
    }

    // MARK: - Strings

    /// Every escape decodes, including `\/`, `\u` in either case and surrogate pairs.
    @Test(arguments: [
        (#""\"\\\/""#, "\"\\/"),
        (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""caf\u00e9""#, "café"),
        (#""caf\u00E9""#, "café"),
        (#""\u0000""#, "\u{0}"),
        (#""\u2603""#, "☃"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00!""#, "😀!"),
        ("\"é☃😀\"", "é☃😀"),
        ("\"\u{7F}\"", "\u{7F}"),
    ])
    func decodesStringEscapes(text: String, expected: String) throws {
        let value = try parse(text)
        #expect(value == .string(expected))
        // Compare the scalars too: `String ==` would equate canonically equivalent texts.
        #expect(value.string.map { Array($0.unicodeScalars) } == Array(expected.unicodeScalars))
    }

    // MARK: - Rendering

    /// Rendering uses the house style: `", "` between items and `": "` after names.
    @Test func rendersInTheHouseStyle() throws {
        #expect(render(try parse(#"{"a":1,"b":[1,2]}"#)) == #"{"a": 1, "b": [1, 2]}"#)
        #expect(render(try parse(" { } ")) == "{}")
        #expect(render(try parse(" [ ] ")) == "[]")
        #expect(render(.array([.null, .bool(true), .bool(false), .string("q\"\n")])) == #"[null, true, false, "q\"\n"]"#)
    }

    /// `append(to:)` adds to what is already there and writes the same text as `bytes`.
    @Test func appendAddsToExistingBytes() throws {
        let value = try parse(#"{"k": [0.50, "v"]}"#)
        var bytes = Array("x=".utf8)
        value.append(to: &bytes)
        #expect(bytes == Array("x=".utf8) + value.bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"x={"k": [0.50, "v"]}"#)
    }

    /// Whatever is parsed renders to text that parses back to the same value, byte for byte the
    /// second time round.
    @Test(arguments: [
        #"{"a": 1, "b": [1, 2]}"#,
        #"{"error_message": "a;b", "n": -0.50e+3, "t": true, "f": false, "z": null}"#,
        #"[[], {}, [[{"deep": [1E2]}]], "", "\u0000\u001f\u007f\"\\\/\b\f\n\r\t"]"#,
        #"{"é": "caf\u00e9 \ud83d\ude00 ☃", "\u2028": "line separator"}"#,
        #""\u0001 \u001F""#,
    ])
    func renderingRoundTrips(text: String) throws {
        let value = try parse(text)
        let rendered = value.bytes
        let again = try JSONValue(parsing: rendered)
        #expect(again == value)
        #expect(again.bytes == rendered)
    }

    // MARK: - Refusals

    /// Anything outside strict RFC 8259 is refused.
    @Test(arguments: [
        ("trailing comma in an array", "[1, 2,]"),
        ("trailing comma in an object", #"{"a": 1,}"#),
        ("leading zero", "01"),
        ("leading zero after minus", "-01"),
        ("plus sign", "+1"),
        ("no integer part", ".5"),
        ("no fraction digits", "1."),
        ("no exponent digits", "1e"),
        ("signed exponent without digits", "1e+"),
        ("lone minus", "-"),
        ("hex", "0x10"),
        ("single quotes", "'a'"),
        ("single-quoted name", "{'a': 1}"),
        ("unquoted name", "{a: 1}"),
        ("line comment", "[1] // no"),
        ("block comment", "/* no */ 1"),
        ("unescaped newline in a string", "\"a\nb\""),
        ("unescaped tab in a string", "\"a\tb\""),
        ("unescaped NUL in a string", "\"\u{0}\""),
        ("lone high surrogate", #""\ud83d""#),
        ("high surrogate then text", #""\ud83dx""#),
        ("high surrogate then a non-low escape", #""\ud83d\u0041""#),
        ("lone low surrogate", #""\ude00""#),
        ("short \\u escape", #""\u12""#),
        ("non-hex \\u escape", #""\u12g4""#),
        ("unknown escape", #""\x41""#),
        ("unclosed string", #""abc"#),
        ("duplicate key", #"{"a": 1, "a": 2}"#),
        ("two values", "1 2"),
        ("trailing text", #"{"a": 1} x"#),
        ("empty input", ""),
        ("only whitespace", " \n\t "),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("truncated true", "tru"),
        ("capitalised true", "True"),
        ("missing colon", #"{"a" 1}"#),
        ("missing comma", "[1 2]"),
        ("unclosed array", "[1"),
        ("unclosed object", #"{"a": 1"#),
        ("non-string name", "{1: 2}"),
    ])
    func refusesInvalidJSON(why: String, text: String) {
        let error = refusal(text)
        #expect(error != nil, "\(why)")
        if let error {
            #expect((0...text.utf8.count).contains(error.offset), "\(why): offset \(error.offset)")
            #expect(error.description.hasPrefix("invalid JSON at byte \(error.offset): "))
        }
    }

    /// Bytes that are not UTF-8 are refused inside a string.
    @Test(arguments: [
        [0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80],
    ] as [[UInt8]])
    func refusesInvalidUTF8InStrings(bad: [UInt8]) {
        let error = refusal([UInt8(ascii: "\"")] + bad + [UInt8(ascii: "\"")])
        #expect(error?.message.contains("UTF-8") == true)
    }

    /// Errors point at where the problem is.
    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, 9),
        (#"{"a": 1, "b": 2, "a": 3}"#, 17),
        ("[1, 2,]", 6),
        ("[1] x", 4),
        ("01", 1),
        ("1.", 2),
        ("tru", 0),
        ("", 0),
        ("\"ab\ncd\"", 3),
    ])
    func errorOffsetsPointAtTheProblem(text: String, offset: Int) {
        #expect(refusal(text)?.offset == offset)
    }

    /// The duplicate-key error names the key.
    @Test func duplicateKeyErrorNamesTheKey() {
        // The inner "key" is in another object; the third one, at byte 32, is the duplicate.
        let error = refusal(#"{"key": 1, "other": {"key": 2}, "key": 3}"#)
        #expect(error?.message == #"duplicate member "key""#)
        #expect(error?.offset == 32)
    }

    /// The same name in sibling or nested objects is not a duplicate.
    @Test func sameKeyInDifferentObjectsIsAccepted() throws {
        _ = try parse(#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#)
    }

    /// Two names that differ in their code points are distinct members, even when Unicode calls
    /// them canonically equivalent (RFC 8259 §8.3 compares names code unit by code unit):
    /// `"\u00e9"` (é) and `"e\u0301"` (e + combining acute) are not duplicates.
    @Test func canonicallyEquivalentButDistinctKeysAreNotDuplicates() throws {
        let value = try parse(#"{"\u00e9": 1, "e\u0301": 2}"#)
        guard case .object(let members) = value else { Issue.record("not an object: \(value)"); return }
        #expect(members.count == 2)
    }

    // MARK: - Depth

    /// `depth` nested containers around a `0`: arrays, objects, or both in turn.
    func nested(_ depth: Int, _ kind: (Int) -> Bool = { _ in true }) -> String {
        var open = "", close = ""
        for level in 0..<depth {
            if kind(level) {
                open += "["
                close = "]" + close
            } else {
                open += #"{"a": "#
                close = "}" + close
            }
        }
        return open + "0" + close
    }

    /// Exactly `maxDepth` nested arrays or objects are accepted; one more is refused.
    @Test(arguments: ["arrays", "objects", "mixed"])
    func nestingIsLimitedToMaxDepth(shape: String) throws {
        let kind: (Int) -> Bool = switch shape {
        case "arrays": { _ in true }
        case "objects": { _ in false }
        default: { $0.isMultiple(of: 2) }
        }
        let depth = JSONValue.maxDepth
        #expect(depth == 64)
        _ = try parse(nested(depth, kind))
        #expect(refusal(nested(depth + 1, kind))?.message == "nested deeper than \(depth)")
    }

    /// Far too deep is refused, not a stack overflow.
    @Test func farTooDeepIsRefused() {
        #expect(refusal(String(repeating: "[", count: 100_000)) != nil)
        #expect(refusal(String(repeating: #"{"a":"#, count: 100_000)) != nil)
    }

    // MARK: - Prefixes

    /// `parsePrefix` parses one value from an offset and returns the offset just past it, leaving
    /// what follows unread.
    @Test(arguments: [
        (#"body={"a":1};times=1"#, 5, JSONValue.object([JSONMember("a", .number("1"))]), 12),
        (#"x=[1, "a;b"]  ;y"#, 2, .array([.number("1"), .string("a;b")]), 12),
        (#"k="x;y";z"#, 2, .string("x;y"), 7),
        ("503;times=2", 0, .number("503"), 3),
        ("  true rest", 0, .bool(true), 6),
        ("12abc", 0, .number("12"), 2),
        ("null", 0, .null, 4),
    ])
    func parsePrefixStopsJustPastTheValue(text: String, start: Int, expected: JSONValue, end: Int) throws {
        let bytes = Array(text.utf8)
        let (value, valueEnd) = try JSONValue.parsePrefix(of: bytes, from: start)
        #expect(value == expected)
        #expect(valueEnd == end)
    }

    /// `parsePrefix` refuses an incomplete value, with an offset inside the text.
    @Test(arguments: [(#"body={"a":"#, 5), ("x=[1,", 2), ("x=", 2), (#"x="abc"#, 2)])
    func parsePrefixRefusesIncompleteValues(text: String, start: Int) {
        let bytes = Array(text.utf8)
        #expect {
            _ = try JSONValue.parsePrefix(of: bytes, from: start)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return (start...bytes.count).contains(error.offset)
        }
    }
}
