import HTTP1

/// The parameters of a request target's query (`a=1&b=x%20y`), percent-decoded; `+` is a space.
struct QueryParameters: Equatable {
    private var values: [String: String] = [:]

    init(_ query: Substring?) {
        guard let query else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? Self.decode(parts[1]) : "" }
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// The parameter as a non-negative integer; nil when absent.
    /// - Throws: ``AdminError/badParameter(_:)`` when present but not digits.
    func integer(_ name: String) throws(AdminError) -> Int? {
        guard let text = values[name] else { return nil }
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int(text)
        else { throw .badParameter("\(name) must be a non-negative integer, got '\(text)'") }
        return value
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else {
                    bytes.append(byte)
                    continue
                }
                bytes.append(value)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
