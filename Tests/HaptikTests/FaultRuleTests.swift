@testable import Haptik
import Testing

/// `FaultRule` (CONTRACT §10): one rule from its JSON object or an `X-Mock-Fault` header value,
/// strictly checked, keeping its fields as sent.
@Suite struct FaultRuleTests {
    func rule(_ json: String) throws -> FaultRule { try FaultRule(json: Array(json.utf8)) }
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The error `make` throws, which must be a `FaultRuleError`.
    func refusal(_ make: () throws -> FaultRule, sourceLocation: SourceLocation = #_sourceLocation) -> FaultRuleError? {
        do {
            let rule = try make()
            Issue.record("accepted \(rule)", sourceLocation: sourceLocation)
            return nil
        } catch let error as FaultRuleError {
            return error
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func answer(_ status: Int, _ body: String, contentType: String = "application/json",
                       headers: [(String, String)] = []) -> FaultAnswer {
        FaultAnswer(status: status, body: Array(body.utf8), contentType: contentType,
                    headers: headers.map { FaultAnswer.HeaderField(name: $0.0, value: $0.1) })
    }

    // MARK: - Actions

    /// Each action field parses to its action, which knows its stage and its field name.
    @Test(arguments: [
        (#"{"reset_before_body": true}"#, FaultAction.resetBeforeBody, true),
        (#"{"reset_after_bytes": 100}"#, .resetAfterBytes(100), true),
        (#"{"reset_after_bytes": 0}"#, .resetAfterBytes(0), true),
        (#"{"stall_after_bytes": 10}"#, .stallAfterBytes(10, milliseconds: nil), true),
        (#"{"stall_ms": 250, "stall_after_bytes": 10}"#, .stallAfterBytes(10, milliseconds: 250), true),
        (#"{"throttle_bytes_per_sec": 1024}"#, .throttle(bytesPerSecond: 1024), true),
        (#"{"status": 503}"#, .status(FaultRuleTests.answer(503, #"{"error_message": "injected fault: 503"}"#)), false),
        (#"{"delay_ms": 1500}"#, .delay(milliseconds: 1500), false),
        (#"{"delay_ms": 0}"#, .delay(milliseconds: 0), false),
        (#"{"close_after_response": true}"#, .closeAfterResponse, false),
    ])
    func parsesEachAction(json: String, action: FaultAction, isPreBody: Bool) throws {
        let parsed = try rule(json)
        #expect(parsed.action == action)
        #expect(parsed.action.isPreBody == isPreBody)
        #expect(json.contains("\"\(parsed.action.fieldName)\""))
        #expect(parsed.matcher == FaultMatcher())
        #expect(parsed.times == nil && parsed.probability == nil && parsed.seed == nil)
    }

    /// `status` takes a JSON body rendered in the house style, or the vendor's error object by
    /// default, and extra header fields in order; a Content-Type among them becomes `contentType`.
    @Test(arguments: [
        (#"{"status": 200}"#, FaultRuleTests.answer(200, #"{"error_message": "injected fault: 200"}"#)),
        (#"{"status": 599}"#, FaultRuleTests.answer(599, #"{"error_message": "injected fault: 599"}"#)),
        (#"{"status": 429, "body": {"error_message":"slow down","retry":[1,2.50]}}"#,
         FaultRuleTests.answer(429, #"{"error_message": "slow down", "retry": [1, 2.50]}"#)),
        (#"{"body": "oops", "status": 500}"#, FaultRuleTests.answer(500, #""oops""#)),
        (#"{"status": 503, "headers": {"Retry-After": "5", "X-Note": "a b\tc"}}"#,
         FaultRuleTests.answer(503, #"{"error_message": "injected fault: 503"}"#, headers: [("Retry-After", "5"), ("X-Note", "a b\tc")])),
        (#"{"status": 500, "headers": {"X-A": "1", "content-type": "text/plain; charset=utf-8", "X-B": ""}, "body": "x"}"#,
         FaultRuleTests.answer(500, #""x""#, contentType: "text/plain; charset=utf-8", headers: [("X-A", "1"), ("X-B", "")])),
        (#"{"status": 502, "headers": {"Content-Type": "text/html"}}"#,
         FaultRuleTests.answer(502, #"{"error_message": "injected fault: 502"}"#, contentType: "text/html")),
    ])
    func parsesStatusAnswers(json: String, expected: FaultAnswer) throws {
        #expect(try rule(json).action == .status(expected))
    }

    // MARK: - Matchers and firing

    /// Every matcher can go with an answer action.
    @Test func parsesMatchersWithAnAnswerAction() throws {
        let parsed = try rule(#"{"client_id": "acme-client", "auth_id": "user_001", "session": "s-1", "message_type": 52, "status": 500}"#)
        #expect(parsed.matcher == FaultMatcher(clientID: "acme-client", authID: "user_001", session: "s-1", messageType: 52))
        #expect(parsed.matcher.readsBody)
        #expect(try rule(#"{"auth_id": "u", "delay_ms": 1}"#).matcher == FaultMatcher(authID: "u"))
        #expect(try rule(#"{"message_type": 1, "close_after_response": true}"#).matcher == FaultMatcher(messageType: 1))
    }

    /// Head matchers (`client_id`, `session`) can go with every pre-body action.
    @Test(arguments: [
        #""reset_before_body": true"#, #""reset_after_bytes": 1"#, #""stall_after_bytes": 1"#, #""throttle_bytes_per_sec": 1"#,
    ])
    func headMatchersGoWithPreBodyActions(action: String) throws {
        let parsed = try rule(#"{"client_id": "c", "session": "s", \#(action)}"#)
        #expect(parsed.matcher == FaultMatcher(clientID: "c", session: "s"))
        #expect(!parsed.matcher.readsBody)
        #expect(parsed.action.isPreBody)
    }

    /// A matcher matches when every field it sets equals the request's.
    @Test(arguments: [
        (FaultMatcher(), FaultRequest(clientID: nil, session: nil), true),
        (FaultMatcher(clientID: "a"), FaultRequest(clientID: "a", session: "x"), true),
        (FaultMatcher(clientID: "a"), FaultRequest(clientID: "b", session: nil), false),
        (FaultMatcher(clientID: "a"), FaultRequest(clientID: nil, session: nil), false),
        (FaultMatcher(clientID: "a"), FaultRequest(clientID: "A", session: nil), false),
        (FaultMatcher(session: "s"), FaultRequest(clientID: "a", session: "s"), true),
        (FaultMatcher(session: "s"), FaultRequest(clientID: "a", session: "t"), false),
        (FaultMatcher(authID: "u"), FaultRequest(clientID: nil, session: nil, authID: "u"), true),
        (FaultMatcher(authID: "u"), FaultRequest(clientID: nil, session: nil), false),
        (FaultMatcher(messageType: 52), FaultRequest(clientID: nil, session: nil, messageType: 52), true),
        (FaultMatcher(messageType: 52), FaultRequest(clientID: nil, session: nil, messageType: 1), false),
        (FaultMatcher(clientID: "a", session: "s", messageType: 1),
         FaultRequest(clientID: "a", session: "s", authID: "u", messageType: 1), true),
        (FaultMatcher(clientID: "a", session: "s", messageType: 1),
         FaultRequest(clientID: "a", session: "other", authID: "u", messageType: 1), false),
    ])
    func matcherNeedsEverySetField(matcher: FaultMatcher, request: FaultRequest, matches: Bool) {
        #expect(matcher.matches(request) == matches)
    }

    /// `times`, `probability` and `seed` are read; a negative seed keeps its bits.
    @Test(arguments: [
        (#"{"times": 3, "probability": 0.25, "seed": 42, "delay_ms": 1}"#, 3 as Int?, 0.25 as Double?, 42 as UInt64?),
        (#"{"probability": 0, "status": 503}"#, nil, 0, nil),
        (#"{"probability": 1, "seed": 0, "status": 503}"#, nil, 1, 0),
        (#"{"probability": 0.50, "seed": -1, "status": 503}"#, nil, 0.5, UInt64.max),
        (#"{"probability": 1e-1, "status": 503}"#, nil, 0.1, nil),
        (#"{"times": 1, "status": 503}"#, 1, nil, nil),
    ])
    func parsesFiring(json: String, times: Int?, probability: Double?, seed: UInt64?) throws {
        let parsed = try rule(json)
        #expect(parsed.times == times)
        #expect(parsed.probability == probability)
        #expect(parsed.seed == seed)
    }

    /// `fields` keeps every member as sent, in order and with the numbers' text.
    @Test func fieldsAreKeptAsSent() throws {
        let parsed = try rule(#"{"times": 2, "status": 503, "body": {"z": 0.50, "a": [1E2]}, "client_id": "x", "probability": 1.0}"#)
        #expect(parsed.fields.map(\.key) == ["times", "status", "body", "client_id", "probability"])
        #expect(parsed.fields[0].value == .number("2"))
        #expect(parsed.fields[2].value == .object([JSONMember("z", .number("0.50")), JSONMember("a", .array([.number("1E2")]))]))
        #expect(parsed.fields[4].value == .number("1.0"))
        #expect(text(JSONValue.object(parsed.fields).bytes)
            == #"{"times": 2, "status": 503, "body": {"z": 0.50, "a": [1E2]}, "client_id": "x", "probability": 1.0}"#)
    }

    // MARK: - Refusals

    /// Invalid rules are refused with a message that names the offending field.
    @Test(arguments: [
        (#"{"status": 503, "colour": "red"}"#, #""colour""#),
        (#"{"colour": "red"}"#, #""colour""#),
        (#"{"times": "2", "status": 503}"#, "times must be an integer, not a string"),
        (#"{"times": 1.5, "status": 503}"#, "times must be an integer"),
        (#"{"times": 1.0, "status": 503}"#, "times must be an integer"),
        (#"{"times": 0, "status": 503}"#, "times must be at least 1"),
        (#"{"times": -1, "status": 503}"#, "times must be at least 1"),
        (#"{"times": null, "status": 503}"#, "times must be an integer, not null"),
        (#"{"probability": "0.5", "status": 503}"#, "probability must be a number, not a string"),
        (#"{"probability": true, "status": 503}"#, "probability must be a number"),
        (#"{"probability": 1.5, "status": 503}"#, "probability must be between 0 and 1"),
        (#"{"probability": -0.1, "status": 503}"#, "probability must be between 0 and 1"),
        (#"{"probability": 1e400, "status": 503}"#, "probability"),
        (#"{"seed": 7, "status": 503}"#, "seed"),
        (#"{"probability": 0.5, "seed": 1.5, "status": 503}"#, "seed must be an integer"),
        (#"{"probability": 0.5, "seed": "7", "status": 503}"#, "seed must be an integer"),
        (#"{"message_type": "1", "status": 503}"#, "message_type must be an integer, not a string"),
        (#"{"client_id": 5, "status": 503}"#, "client_id must be a string, not a number"),
        (#"{"auth_id": null, "status": 503}"#, "auth_id must be a string"),
        (#"{"session": ["s"], "status": 503}"#, "session must be a string, not an array"),
        (#"{}"#, "needs one action"),
        (#"{"times": 1, "client_id": "c"}"#, "needs one action"),
        (#"{"status": 503, "delay_ms": 5}"#, "status and delay_ms"),
        (#"{"reset_before_body": true, "close_after_response": true}"#, "reset_before_body and close_after_response"),
        (#"{"stall_ms": 5, "status": 503}"#, "stall_ms goes with stall_after_bytes"),
        (#"{"stall_ms": 5}"#, "stall_ms goes with stall_after_bytes"),
        (#"{"body": {}, "delay_ms": 1}"#, "body and headers go with status"),
        (#"{"headers": {"X-A": "1"}, "close_after_response": true}"#, "body and headers go with status"),
        (#"{"status": 99}"#, "status must be 200-599"),
        (#"{"status": 199}"#, "status must be 200-599"),
        (#"{"status": 600}"#, "status must be 200-599"),
        (#"{"status": 204}"#, "not 204 or 304"),
        (#"{"status": 304}"#, "not 204 or 304"),
        (#"{"status": "503"}"#, "status must be an integer, not a string"),
        (#"{"status": 503.0}"#, "status must be an integer"),
        (#"{"reset_before_body": false}"#, "reset_before_body must be true"),
        (#"{"reset_before_body": "true"}"#, "reset_before_body must be true"),
        (#"{"close_after_response": false}"#, "close_after_response must be true"),
        (#"{"close_after_response": 1}"#, "close_after_response must be true"),
        (#"{"reset_after_bytes": -1}"#, "reset_after_bytes must be at least 0"),
        (#"{"stall_after_bytes": -1}"#, "stall_after_bytes must be at least 0"),
        (#"{"stall_after_bytes": 1, "stall_ms": -1}"#, "stall_ms must be at least 0"),
        (#"{"throttle_bytes_per_sec": 0}"#, "throttle_bytes_per_sec must be at least 1"),
        (#"{"delay_ms": -1}"#, "delay_ms must be at least 0"),
        (#"{"status": 503, "headers": ["X-A"]}"#, "headers must be an object of strings, not an array"),
        (#"{"status": 503, "headers": "X-A: 1"}"#, "headers must be an object of strings, not a string"),
        (#"{"status": 503, "headers": {"Retry-After": 5}}"#, "headers.Retry-After must be a string, not a number"),
        (#"{"status": 503, "headers": {"Bad Name": "1"}}"#, #""Bad Name" is not a valid header name"#),
        (#"{"status": 503, "headers": {"X-A:": "1"}}"#, #""X-A:" is not a valid header name"#),
        (#"{"status": 503, "headers": {"": "1"}}"#, #""" is not a valid header name"#),
        (#"{"status": 503, "headers": {"X-A": "1\r\nX-Evil: 2"}}"#, "headers.X-A: header values cannot hold control characters"),
        (#"{"status": 503, "headers": {"X-A": "a\u0000"}}"#, "headers.X-A: header values cannot hold control characters"),
        (#"{"status": 503, "headers": {"X-A": "a\u007f"}}"#, "headers.X-A: header values cannot hold control characters"),
        (#"{"status": 503, "headers": {"Content-Length": "5"}}"#, "Content-Length is set by the server"),
        (#"{"status": 503, "headers": {"content-LENGTH": "5"}}"#, "content-LENGTH is set by the server"),
        (#"{"status": 503, "headers": {"Connection": "close"}}"#, "Connection is set by the server"),
        (#"{"status": 503, "headers": {"CONNECTION": "close"}}"#, "CONNECTION is set by the server"),
        (#"{"status": 503, "headers": {"Transfer-Encoding": "chunked"}}"#, "Transfer-Encoding is set by the server"),
        (#"{"status": 503, "headers": {"transfer-encoding": "chunked"}}"#, "transfer-encoding is set by the server"),
        (#"{"status": 503, "headers": {"Date": "x"}}"#, "Date is set by the server"),
        (#"{"status": 503, "headers": {"dATE": "x"}}"#, "dATE is set by the server"),
        (#"[{"status": 503}]"#, "a fault rule is a JSON object, not an array"),
        (#""status""#, "a fault rule is a JSON object, not a string"),
        ("null", "a fault rule is a JSON object, not null"),
        (#"{"status": 503"#, "invalid JSON"),
        (#"{"status": 503, "status": 500}"#, "invalid JSON"),
        ("", "invalid JSON"),
    ])
    func refusesInvalidRules(json: String, mention: String) {
        let error = refusal { try rule(json) }
        #expect(error?.message.contains(mention) == true, "\(error?.message ?? "accepted")")
    }

    /// The body matchers cannot go with an action decided before the body is read.
    @Test(arguments: [#""auth_id": "u""#, #""message_type": 1"#], [
        #""reset_before_body": true"#, #""reset_after_bytes": 1"#, #""stall_after_bytes": 1"#, #""throttle_bytes_per_sec": 1"#,
    ])
    func bodyMatchersAreRefusedWithPreBodyActions(matcher: String, action: String) {
        let error = refusal { try rule("{\(matcher), \(action)}") }
        let actionName = String(action.split(separator: "\"")[0])
        #expect(error?.message.contains(actionName) == true, "\(error?.message ?? "accepted")")
        #expect(error?.message.contains("auth_id or message_type") == true)
    }

    // MARK: - X-Mock-Fault

    /// Header values are `name=value` pairs: JSON where they read as JSON, else plain text;
    /// spaces, tabs and empty segments around them are ignored.
    @Test(arguments: [
        ("status=503;times=2", [JSONMember("status", .number("503")), JSONMember("times", .number("2"))]),
        ("  status = 503 ;  times= 2 ; ", [JSONMember("status", .number("503")), JSONMember("times", .number("2"))]),
        ("\tstatus\t=\t503\t;\ttimes=2", [JSONMember("status", .number("503")), JSONMember("times", .number("2"))]),
        (";;status=503;;times=2;;", [JSONMember("status", .number("503")), JSONMember("times", .number("2"))]),
        ("client_id=acme-client;status=500", [JSONMember("client_id", .string("acme-client")), JSONMember("status", .number("500"))]),
        ("session=a b c ;delay_ms=5", [JSONMember("session", .string("a b c")), JSONMember("delay_ms", .number("5"))]),
        ("reset_before_body=true", [JSONMember("reset_before_body", .bool(true))]),
        (#"client_id="x;y";delay_ms=10"#, [JSONMember("client_id", .string("x;y")), JSONMember("delay_ms", .number("10"))]),
        (#"status=503;body={"error_message":"a;b"};times=1"#, [
            JSONMember("status", .number("503")),
            JSONMember("body", .object([JSONMember("error_message", .string("a;b"))])),
            JSONMember("times", .number("1")),
        ]),
        (#"status=503;body=[1, ";"] ;times=1"#, [
            JSONMember("status", .number("503")), JSONMember("body", .array([.number("1"), .string(";")])),
            JSONMember("times", .number("1")),
        ]),
        (#"status=500;headers={"Retry-After": "1"}"#, [
            JSONMember("status", .number("500")), JSONMember("headers", .object([JSONMember("Retry-After", .string("1"))])),
        ]),
        ("probability=0.50;seed=-3;delay_ms=1", [
            JSONMember("probability", .number("0.50")), JSONMember("seed", .number("-3")), JSONMember("delay_ms", .number("1")),
        ]),
    ])
    func parsesHeaderValues(header: String, fields: [JSONMember]) throws {
        let parsed = try FaultRule(headerValue: header)
        #expect(parsed.fields == fields)
        #expect(parsed == (try FaultRule(fields: fields)))
    }

    /// A header rule reads the same as the JSON rule with those fields.
    @Test func headerRulesActLikeJSONRules() throws {
        let parsed = try FaultRule(headerValue: #"client_id=acme-client; status=503; body={"error_message":"a;b"}; times=1"#)
        #expect(parsed.matcher == FaultMatcher(clientID: "acme-client"))
        #expect(parsed.times == 1)
        #expect(parsed.action == .status(Self.answer(503, #"{"error_message": "a;b"}"#)))
        #expect(try FaultRule(headerValue: "reset_before_body=true").action == .resetBeforeBody)
        #expect(try FaultRule(headerValue: #"client_id="x;y";delay_ms=10"#).matcher.clientID == "x;y")
    }

    /// Invalid header values are refused, saying why.
    @Test(arguments: [
        ("", "X-Mock-Fault is empty"),
        ("   ", "X-Mock-Fault is empty"),
        (" ; ;; ", "X-Mock-Fault is empty"),
        ("status", #""status" is not name=value"#),
        ("times=2;status", #""status" is not name=value"#),
        ("status;times=2", "status"),
        ("status=503;status=500", "status is given twice"),
        ("status=503; status = 500", "status is given twice"),
        ("colour=red;status=503", #""colour""#),
        (#"status=503;body={"a":"#, "X-Mock-Fault: body: invalid JSON"),
        (#"status=503;body={"a":1"#, "X-Mock-Fault: body: invalid JSON"),
        (#"status=503;body={"a":1}x;times=1"#, "body must be followed by ';' or the end"),
        (#"status=503;body={"a":1} x"#, "body must be followed by ';' or the end"),
        (#"client_id="x"y;status=503"#, "client_id must be followed by ';' or the end"),
        ("status=abc", "status must be an integer, not a string"),
        ("status=", "status must be an integer, not a string"),
        ("times=2", "needs one action"),
        // Digits read as JSON, so a numeric client id must be quoted.
        ("client_id=123;status=503", "client_id must be a string, not a number"),
        ("auth_id=u;reset_before_body=true", "auth_id or message_type"),
    ])
    func refusesInvalidHeaderValues(header: String, mention: String) {
        let error = refusal { try FaultRule(headerValue: header) }
        #expect(error?.message.contains(mention) == true, "\(error?.message ?? "accepted")")
    }
}
