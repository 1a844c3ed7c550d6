/// A parsed request line and its header fields. Field values are kept as byte ranges into one copy
/// of the head, so parsing costs two allocations whatever the number of fields.
public struct RequestHead: Sendable {
    /// How the request's body is delimited (RFC 9112 §6.3).
    public enum BodyFraming: Equatable, Sendable {
        case contentLength(Int)
        case chunked
    }

    struct Field: Sendable {
        let name: Range<Int>
        let value: Range<Int>
    }

    /// The method, case-sensitive as sent (`POST`).
    public let method: String
    /// The request target as sent, query included (`/content/a.png?x=1`).
    public let target: String
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    public let minorVersion: Int
    public let framing: BodyFraming
    /// Whether the connection may stay open after the answer: HTTP/1.1 without `Connection: close`.
    public let keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body (RFC 9110 §10.1.1).
    public let expectsContinue: Bool

    let bytes: [UInt8]
    let fields: [Field]

    init(method: String, target: String, minorVersion: Int, framing: BodyFraming, keepAlive: Bool,
         expectsContinue: Bool, bytes: [UInt8], fields: [Field]) {
        self.method = method
        self.target = target
        path = target[..<(target.utf8.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex)]
        self.minorVersion = minorVersion
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.bytes = bytes
        self.fields = fields
    }

    /// The path part of the target: everything before `?`.
    public let path: Substring

    /// The query part of the target, without `?`, or nil.
    public var query: Substring? {
        path.endIndex < target.endIndex ? target[target.index(after: path.endIndex)...] : nil
    }

    /// The value of the first field named `name` (give it in lowercase), invalid UTF-8 repaired.
    public func value(of name: StaticString) -> String? {
        for field in fields where ASCII.equalsIgnoringCase(bytes[field.name], name) {
            return String(decoding: bytes[field.value], as: UTF8.self)
        }
        return nil
    }

    /// Every field as a (name, value) pair, in the order sent.
    public var headers: [(name: String, value: String)] {
        fields.map {
            (String(decoding: bytes[$0.name], as: UTF8.self), String(decoding: bytes[$0.value], as: UTF8.self))
        }
    }

    /// Whether the body is empty by framing (`Content-Length: 0` or none).
    public var hasNoBody: Bool { framing == .contentLength(0) }
}
