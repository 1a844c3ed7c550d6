import HaptikTestSupport
import Multipart

/// `lines` joined by CRLF, as UTF-8; no CRLF after the last line unless it is "".
func crlfLines(_ lines: String...) -> [UInt8] {
    Array(lines.joined(separator: "\r\n").utf8)
}

/// The events of one part: started, its bytes (none if empty), ended.
func partEvents(_ headers: PartHeaders, _ content: [UInt8]) -> [MultipartEvent] {
    content.isEmpty ? [.started(headers), .ended] : [.started(headers), .bytes(content), .ended]
}

func partEvents(_ headers: PartHeaders, _ content: String) -> [MultipartEvent] {
    partEvents(headers, Array(content.utf8))
}

/// A one-part body whose header section is `headerLines` (no blank line), with content "v".
func bodyWithPartHeaders(_ headerLines: [String], boundary: String = "boundary") -> [UInt8] {
    Array((["--\(boundary)"] + headerLines + ["", "v", "--\(boundary)--", ""]).joined(separator: "\r\n").utf8)
}
