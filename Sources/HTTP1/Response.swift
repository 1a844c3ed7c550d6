/// An answer to send: status, a typed body, and whether the connection must close after it.
public struct Response: Equatable, Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Fields beyond Content-Type, Content-Length, Connection and Date, e.g. `Allow`.
    public var extraHeaders: [(name: String, value: String)]
    /// Send `Connection: close` and close after the answer even if the request allowed keep-alive.
    public var closesConnection: Bool

    public init(status: Int, contentType: String, body: [UInt8],
                extraHeaders: [(name: String, value: String)] = [], closesConnection: Bool = false) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.extraHeaders = extraHeaders
        self.closesConnection = closesConnection
    }

    public static func == (lhs: Response, rhs: Response) -> Bool {
        lhs.status == rhs.status && lhs.contentType == rhs.contentType && lhs.body == rhs.body
            && lhs.closesConnection == rhs.closesConnection
            && lhs.extraHeaders.elementsEqual(rhs.extraHeaders, by: { $0 == $1 })
    }
}
