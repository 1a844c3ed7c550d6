// libFuzzer target for RequestHeadParser, compiled into module HTTP1 with Sources/HTTP1/*.swift by
// scripts/fuzz.sh (not a SwiftPM target). The input is an arbitrary head candidate.
//
// Checks, besides "no crash": both entry points (bytes and raw buffer) agree; what is accepted really
// is strict (CRLF only, no obs-fold, one Content-Length never beside Transfer-Encoding, one Host in
// HTTP/1.1); every error maps to a status and a message.

@_cdecl("LLVMFuzzerTestOneInput")
public func requestHeadFuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    // The whole input, as if the caller had handed it over unchecked.
    check(input)
    // What the server hands over: everything up to and including the first CRLF CRLF.
    if let end = endOfHead(input), end < input.count {
        check(Array(input[..<end]))
    }
    return 0
}

private func endOfHead(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for index in 0...(bytes.count - 4)
    where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
        return index + 4
    }
    return nil
}

private func check(_ head: [UInt8]) {
    let fromArray = Result { () throws(HTTPParseError) in try RequestHeadParser.parse(head) }
    let fromBuffer = head.withUnsafeBytes { buffer in
        Result { () throws(HTTPParseError) in try RequestHeadParser.parse(buffer) }
    }
    switch (fromArray, fromBuffer) {
    case (.failure(let error), .failure(let other)):
        require(error == other, "entry points disagree: \(error) vs \(other)")
        require([400, 431, 501, 505].contains(error.status), "unexpected status \(error.status)")
        require(!error.message.isEmpty)
    case (.success(let parsed), .success(let other)):
        require(parsed.method == other.method && parsed.target == other.target
                     && parsed.framing == other.framing && parsed.keepAlive == other.keepAlive,
                     "entry points disagree on an accepted head")
        checkAccepted(parsed, head: head)
    default:
        fatalError("one entry point accepted what the other refused")
    }
}

/// What an accepted head must satisfy, checked naively on the lines up to the blank line.
private func checkAccepted(_ parsed: RequestHead, head: [UInt8]) {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var index = 0
    while index < head.count {
        if head[index] == 10 {
            require(index > start && head[index - 1] == 13, "accepted a bare LF")
            let line = head[start..<(index - 1)]
            require(!line.contains(13), "accepted a bare CR")
            if line.isEmpty { break }
            lines.append(line)
            start = index + 1
        }
        index += 1
    }
    require(!lines.isEmpty, "accepted a head without a request line")
    let fieldLines = lines.dropFirst()
    require(fieldLines.allSatisfy { $0.first != 32 && $0.first != 9 }, "accepted obs-fold")
    require(parsed.headers.count == fieldLines.count, "field count \(parsed.headers.count) != \(fieldLines.count)")
    require(!parsed.method.isEmpty && !parsed.target.isEmpty)
    require(parsed.minorVersion == 0 || parsed.minorVersion == 1)
    require(String(parsed.path) + (parsed.query.map { "?" + $0 } ?? "") == parsed.target)

    func count(_ name: String) -> Int {
        parsed.headers.filter { $0.name.lowercased() == name }.count
    }
    let contentLengths = count("content-length")
    let transferEncodings = count("transfer-encoding")
    require(contentLengths <= 1, "accepted several Content-Length")
    require(contentLengths == 0 || transferEncodings == 0, "accepted Content-Length with Transfer-Encoding")
    if parsed.minorVersion == 1 { require(count("host") == 1, "accepted HTTP/1.1 without one Host") }
    switch parsed.framing {
    case .chunked:
        require(transferEncodings >= 1)
    case .contentLength(let length):
        require(length >= 0)
        if let value = parsed.value(of: "content-length") {
            require(Int(value) == length, "Content-Length \(value) framed as \(length)")
        } else {
            require(length == 0)
        }
    }
    if parsed.keepAlive || parsed.expectsContinue { require(parsed.minorVersion == 1) }
}

/// `precondition` that keeps its message in -O builds, so a crash report says which check failed.
private func require(_ condition: Bool, _ message: @autoclosure () -> String = "",
                     file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant failed: \(message())", file: file, line: line) }
}
