import HaptikTestSupport
import Multipart
import Testing

/// Parses a one-part body whose header section is `headerLines`, at every split point, and returns
/// the headers the parser reported (nil, with an issue, if it failed).
private func partHeaders(
    _ headerLines: String..., sourceLocation: SourceLocation = #_sourceLocation
) -> PartHeaders? {
    partHeaders(bodyWithPartHeaders(headerLines), sourceLocation: sourceLocation)
}

private func partHeaders(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> PartHeaders? {
    switch expectSameEventsAtEverySplit(body, boundary: "boundary", sourceLocation: sourceLocation) {
    case .success(let events):
        guard case .started(let headers)? = events.first else {
            Issue.record("no part in \(events)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(events.dropFirst() == [.bytes(Array("v".utf8)), .ended], sourceLocation: sourceLocation)
        return headers
    case .failure(let error):
        Issue.record("parse failed: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

@Suite struct PartHeadersTests {
    @Test func readsNameFilenameAndContentType() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"",
                            "Content-Type: image/png")
            == PartHeaders(name: "file", filename: "a.png", contentType: "image/png"))
    }

    @Test func leavesFilenameAndContentTypeNilWhenAbsent() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"auth_id\"") == PartHeaders(name: "auth_id"))
    }

    @Test func keepsEmptyFilenameOfAnUnchosenFile() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"file\"; filename=\"\"",
                            "Content-Type: application/octet-stream")
            == PartHeaders(name: "file", filename: "", contentType: "application/octet-stream"))
    }

    @Test func matchesHeaderNamesIgnoringCase() {
        #expect(partHeaders("content-disposition: form-data; name=\"a\"", "CONTENT-TYPE: text/plain")
            == PartHeaders(name: "a", contentType: "text/plain"))
        #expect(partHeaders("CoNtEnT-DiSpOsItIoN: form-data; name=\"a\"") == PartHeaders(name: "a"))
    }

    @Test func matchesDispositionTypeAndParameterNamesIgnoringCase() {
        #expect(partHeaders("Content-Disposition: Form-Data; NAME=\"a\"; FileName=\"b.txt\"")
            == PartHeaders(name: "a", filename: "b.txt"))
    }

    @Test func acceptsSpacesAndTabsAroundTheColon() {
        #expect(partHeaders("Content-Disposition \t:\t form-data; name=\"a\"", "Content-Type:text/plain \t")
            == PartHeaders(name: "a", contentType: "text/plain"))
    }

    @Test func acceptsHeadersInAnyOrder() {
        #expect(partHeaders("Content-Type: image/jpeg", "Content-Disposition: form-data; name=\"f\"; filename=\"x.jpg\"")
            == PartHeaders(name: "f", filename: "x.jpg", contentType: "image/jpeg"))
    }

    @Test func ignoresUnknownHeaders() {
        #expect(partHeaders("X-Whatever: y", "Content-Disposition: form-data; name=\"a\"",
                            "Content-Transfer-Encoding: binary", "Content-Length: 1")
            == PartHeaders(name: "a"))
    }

    @Test func keepsContentTypeVerbatim() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"a\"", "Content-Type: Text/Plain; Charset=\"UTF-8\"")
            == PartHeaders(name: "a", contentType: "Text/Plain; Charset=\"UTF-8\""))
    }

    @Test func acceptsUnquotedParameterValues() {
        #expect(partHeaders("Content-Disposition: form-data; name=a_b; filename=c.txt")
            == PartHeaders(name: "a_b", filename: "c.txt"))
    }

    @Test func acceptsWhitespaceAroundSemicolonsAndEquals() {
        #expect(partHeaders("Content-Disposition: form-data ;name = \"a\"\t;  filename=\t\"b\" ")
            == PartHeaders(name: "a", filename: "b"))
    }

    @Test func ignoresExtraParametersAndATrailingSemicolon() {
        #expect(partHeaders("Content-Disposition: form-data; size=12; name=\"a\"; creation-date=\"x\"; filename=b;")
            == PartHeaders(name: "a", filename: "b"))
    }

    @Test func keepsSemicolonsAndEqualsInsideQuotedValues() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"a;b=c\"; filename=\"x; name=y.txt\"")
            == PartHeaders(name: "a;b=c", filename: "x; name=y.txt"))
    }

    @Test func unescapesQuotesAndBackslashesInQuotedValues() {
        #expect(partHeaders(#"Content-Disposition: form-data; name="a\"b"; filename="say \"hi\" a\\b.txt""#)
            == PartHeaders(name: "a\"b", filename: #"say "hi" a\b.txt"#))
    }

    @Test func keepsBackslashesOfWindowsPathsInFilename() {
        // IE sends the full path with bare backslashes (RFC 7578 §4.2 asks clients not to, but they do).
        #expect(partHeaders(#"Content-Disposition: form-data; name="file"; filename="C:\Documents and Settings\me\My Pictures\a.png""#)?
            .filename == #"C:\Documents and Settings\me\My Pictures\a.png"#)
        #expect(partHeaders(#"Content-Disposition: form-data; name="file"; filename="D:\x\y.pdf""#)?.filename
            == #"D:\x\y.pdf"#)
    }

    @Test func decodesExtendedFilename() {
        // RFC 8187: charset'language'percent-encoded octets.
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%82%AC%20rates.txt")?
            .filename == "\u{20AC} rates.txt")
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename*=utf-8'en'%c3%a9t%C3%A9.txt")?
            .filename == "\u{E9}t\u{E9}.txt")
    }

    @Test func prefersExtendedFilenameWhicheverComesFirst() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC.txt")?
            .filename == "\u{20AC}.txt")
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%82%AC.txt; filename=\"euro.txt\"")?
            .filename == "\u{20AC}.txt")
    }

    @Test(arguments: ["ISO-8859-1''%A3.txt", "UTF-8''%E2%8.txt", "UTF-8''%G0.txt", "UTF-8''%E2%82%A", "%E2%82%AC.txt"])
    func fallsBackToPlainFilenameWhenExtendedOneIsUnusable(extended: String) {
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename=\"plain.txt\"; filename*=\(extended)")?
            .filename == "plain.txt")
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename*=\(extended)")?.filename == nil)
    }

    @Test func repairsInvalidUTF8InExtendedFilename() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''a%FFb.txt")?.filename
            == "a\u{FFFD}b.txt")
    }

    @Test func readsRawUTF8Filename() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"f\"; filename=\"r\u{E9}sum\u{E9} \u{20AC} \u{1F4C4}.pdf\"")?
            .filename == "r\u{E9}sum\u{E9} \u{20AC} \u{1F4C4}.pdf")
    }

    @Test func readsRawUTF8FieldName() {
        #expect(partHeaders("Content-Disposition: form-data; name=\"gr\u{FC}\u{DF}e\"")?.name == "gr\u{FC}\u{DF}e")
    }

    @Test func repairsInvalidUTF8InFilename() {
        let body = Array("--boundary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a".utf8)
            + [0xFF, 0xC3] + Array("b.txt\"\r\n\r\nv\r\n--boundary--\r\n".utf8)
        #expect(partHeaders(body)?.filename == "a\u{FFFD}\u{FFFD}b.txt")
    }
}
