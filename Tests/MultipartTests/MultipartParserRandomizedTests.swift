import HaptikTestSupport
import Multipart
import Testing

/// A random `multipart/form-data` body and the parts it holds.
private struct GeneratedBody {
    var boundary: String
    var bytes: [UInt8]
    var expected: [MultipartEvent]
}

private struct BodyGenerator {
    var random: SeededRandomNumberGenerator

    private static let boundaryCharacters = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ")
    private static let nameCharacters = Array("abcdefghijklmnopqrstuvwxyz_0123456789")

    mutating func boundary() -> String {
        let dashes = Bool.random(using: &random) ? String(repeating: "-", count: Int.random(in: 0...30, using: &random)) : ""
        let length = Int.random(in: 1...(70 - dashes.count), using: &random)
        var boundary = dashes + String((0..<length).map { _ in Self.boundaryCharacters.randomElement(using: &random)! })
        while boundary.last == " " { boundary.removeLast() }
        return boundary.isEmpty ? "b" : boundary
    }

    /// Random bytes sprinkled with sequences that nearly form `CRLF--boundary`.
    mutating func content(delimiter: [UInt8]) -> [UInt8] {
        let length = Int.random(in: 0...30, using: &random) == 0
            ? Int.random(in: 1_000...3_000, using: &random) : Int.random(in: 0...200, using: &random)
        var content: [UInt8] = []
        while content.count < length {
            switch Int.random(in: 0...9, using: &random) {
            case 0: content += delimiter.prefix(Int.random(in: 1..<delimiter.count, using: &random))
            case 1: content += [0x0D] + delimiter   // `\r\r\n--boundary`, repaired below to a near miss
            case 2: content += delimiter.dropFirst()   // `\n--boundary`
            case 3: content += delimiter.dropFirst(2)   // `--boundary`
            case 4:
                var altered = delimiter
                altered[Int.random(in: 0..<altered.count, using: &random)] ^= 0x20
                content += altered
            case 5: content += Array("\r\n\r\n".utf8)
            default:
                content += (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
        }
        return content
    }

    /// Alters `bytes` so that in `prefix + bytes + delimiter` the delimiter is first found at its end.
    mutating func repair(_ bytes: inout [UInt8], after prefix: [UInt8], delimiter: [UInt8]) {
        while true {
            let whole = prefix + bytes + delimiter
            guard let found = whole.firstRange(of: delimiter), found.lowerBound < prefix.count + bytes.count else { return }
            // Change the byte of the match that lies furthest into `bytes`, staying inside `bytes`.
            let index = min(found.upperBound, prefix.count + bytes.count) - 1 - prefix.count
            bytes[max(index, 0)] = bytes[max(index, 0)] == UInt8(ascii: "~") ? UInt8(ascii: "#") : UInt8(ascii: "~")
        }
    }

    mutating func body() -> GeneratedBody {
        let boundary = boundary()
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var bytes: [UInt8] = []
        var expected: [MultipartEvent] = []

        if Bool.random(using: &random) {
            var preamble = content(delimiter: delimiter)
            // The parser starts as if after a CRLF, so that a body may open with `--boundary`.
            repair(&preamble, after: [0x0D, 0x0A], delimiter: delimiter)
            bytes += preamble + Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)".utf8)
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            bytes += padding() + Array("\r\n".utf8)
            let name = String((0..<Int.random(in: 1...12, using: &random)).map { _ in
                Self.nameCharacters.randomElement(using: &random)!
            })
            let filename = Bool.random(using: &random) ? name + ".bin" : nil
            let contentType = Bool.random(using: &random) ? "application/octet-stream" : nil
            var disposition = "Content-Disposition: form-data; name=\"\(name)\""
            if let filename { disposition += "; filename=\"\(filename)\"" }
            var headerLines = [Bool.random(using: &random) ? disposition : disposition.lowercased()]
            if let contentType { headerLines.insert("Content-Type: \(contentType)", at: Int.random(in: 0...1, using: &random)) }
            bytes += Array((headerLines.joined(separator: "\r\n") + "\r\n\r\n").utf8)

            var content = content(delimiter: delimiter)
            repair(&content, after: [], delimiter: delimiter)
            bytes += content + delimiter
            expected += partEvents(PartHeaders(name: name, filename: filename, contentType: contentType), content)
        }
        bytes += Array("--".utf8) + padding()
        if Bool.random(using: &random) {
            bytes += Array("\r\n".utf8) + content(delimiter: delimiter)   // the epilogue may hold anything
        }
        return GeneratedBody(boundary: boundary, bytes: bytes, expected: expected)
    }

    mutating func padding() -> [UInt8] {
        (0..<Int.random(in: 0...3, using: &random) / 2).map { _ in Bool.random(using: &random) ? 0x20 : 0x09 }
    }
}

@Suite struct MultipartParserRandomizedTests {
    @Test(arguments: 0..<40)
    func parsesGeneratedBodiesIntoTheGeneratedParts(seed: Int) {
        var generator = BodyGenerator(random: SeededRandomNumberGenerator(seed: UInt64(seed)))
        let body = generator.body()
        #expect(expectSameEventsAtEverySplit(body.bytes, boundary: body.boundary) == .success(body.expected),
                "seed \(seed), boundary \(body.boundary.debugDescription)")
    }
}
