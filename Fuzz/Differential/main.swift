// Command-line harness for scripts/multipart-differential.py, compiled into module Multipart with
// Sources/Multipart/*.swift (not a SwiftPM target).
//
//   multipart-differential CASE_DIR
// reads CASE_DIR/cases.tsv, one case a line: `id TAB boundary TAB chunk sizes (comma-separated)`, the
// body being CASE_DIR/id.body. Feeds each body to a fresh MultipartParser in those chunks, then calls
// finish(), and prints one JSON line per case: {"id", "error" (null or the MultipartError case),
// "parts": [{"name", "filename", "content_type", "hex"}]}.

#if canImport(Glibc)
import Glibc
#endif

@main
enum MultipartDifferential {
    static func main() {
        guard CommandLine.arguments.count == 2 else {
            fatalError("usage: multipart-differential CASE_DIR")
        }
        let directory = CommandLine.arguments[1]
        let list = String(decoding: readFile("\(directory)/cases.tsv"), as: UTF8.self)
        for line in list.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { fatalError("bad case line: \(line)") }
            let body = readFile("\(directory)/\(fields[0]).body")
            let sizes = fields[2].split(separator: ",").map { Int($0)! }
            print(run(id: String(fields[0]), boundary: String(fields[1]), body: body, chunkSizes: sizes))
        }
    }

    private struct Part {
        var headers: PartHeaders
        var bytes: [UInt8] = []
    }

    private struct Recorder: MultipartHandler {
        var parts: [Part] = []
        mutating func partStarted(_ headers: PartHeaders) { parts.append(Part(headers: headers)) }
        mutating func partBytes(_ bytes: UnsafeRawBufferPointer) {
            parts[parts.count - 1].bytes.append(contentsOf: bytes)
        }
        mutating func partEnded() {}
    }

    /// Parses `body` fed in pieces of `chunkSizes` (the last piece takes whatever is left).
    private static func run(id: String, boundary: String, body: [UInt8], chunkSizes: [Int]) -> String {
        var recorder = Recorder()
        var error = "null"
        do {
            var parser = try MultipartParser(boundary: boundary)
            var start = 0
            for size in chunkSizes + [body.count] where start < body.count {
                let end = min(body.count, start + size)
                try body[start..<end].withUnsafeBytes { try parser.feed($0, to: &recorder) }
                start = end
            }
            try parser.finish()
        } catch let failure as MultipartError {
            error = json("\(failure)")
        } catch {
            fatalError("unexpected \(error)")
        }
        let parts = recorder.parts.map { part in
            "{\"name\":\(json(part.headers.name)),\"filename\":\(part.headers.filename.map(json) ?? "null"),"
                + "\"content_type\":\(part.headers.contentType.map(json) ?? "null"),\"hex\":\"\(hex(part.bytes))\"}"
        }
        return "{\"id\":\(json(id)),\"error\":\(error),\"parts\":[\(parts.joined(separator: ","))]}"
    }

    private static func readFile(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        return bytes
    }

    private static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
