import HaptikTestSupport
import Multipart
import Testing

@Suite struct MultipartBoundaryTests {
    @Test func readsTokenBoundary() {
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; boundary=----WebKitFormBoundaryjdSFhcARk8fyGNy6")
            == "----WebKitFormBoundaryjdSFhcARk8fyGNy6")
    }

    @Test func readsQuotedBoundary() {
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; boundary=\"simple boundary\"") == "simple boundary")
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; boundary=\"a:b=c?d\"") == "a:b=c?d")
    }

    @Test func matchesTypeAndParameterNameIgnoringCaseButKeepsBoundaryCase() {
        #expect(MultipartBoundary.from(contentType: "Multipart/Form-Data; BOUNDARY=AbC") == "AbC")
        #expect(MultipartBoundary.from(contentType: "MULTIPART/FORM-DATA; Boundary=\"XyZ\"") == "XyZ")
    }

    @Test func acceptsOptionalWhitespace() {
        #expect(MultipartBoundary.from(contentType: "  multipart/form-data ;boundary = abc\t") == "abc")
        #expect(MultipartBoundary.from(contentType: "multipart/form-data;\tboundary=\"abc\" ") == "abc")
    }

    @Test func ignoresOtherParameters() {
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; charset=utf-8; boundary=abc; x=\"y\"") == "abc")
    }

    @Test func acceptsATrailingSemicolon() {
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; boundary=abc;") == "abc")
    }

    @Test func acceptsSeventyCharacters() {
        let boundary = String(repeating: "7", count: 70)
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; boundary=\(boundary)") == boundary)
    }

    @Test(arguments: [
        "multipart/mixed; boundary=abc",
        "multipart/form-datax; boundary=abc",
        "text/plain; boundary=abc",
        "multipart/form-data",
        "multipart/form-data;",
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"abc",                 // unterminated quote
        "multipart/form-data; boundary=\"abc \"",              // ends in a space
        "multipart/form-data; boundary=a@b",                   // not a bchar
        "multipart/form-data; boundary=\"caf\u{E9}\"",
        "multipart/form-data; boundary=abc=def",               // "=" needs quoting
        "multipart/form-data boundary=abc",
        "multipart/form-data; boundary=" + String(repeating: "7", count: 71),
        "",
    ])
    func refusesContentTypeWithoutUsableBoundary(contentType: String) {
        #expect(MultipartBoundary.from(contentType: contentType) == nil)
    }

    @Test(arguments: [
        "multipart/form-data; boundary=\"a b:c\"", "multipart/form-data; boundary=a'b(c)", "MULTIPART/FORM-DATA; BOUNDARY=\"a b:c\"",
    ])
    func givesTheBoundaryTheBodyIsDelimitedWith(contentType: String) throws {
        let boundary = try #require(MultipartBoundary.from(contentType: contentType))
        let body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8)
        #expect(expectSameEventsAtEverySplit(body, boundary: boundary)
            == .success([.started(PartHeaders(name: "a")), .bytes(Array("x".utf8)), .ended]))
    }

    @Test(arguments: ["a", "----WebKitFormBoundaryjdSFhcARk8fyGNy6", "a b", "'()+_,-./:=?", String(repeating: "z", count: 70)])
    func acceptsValidBoundaries(boundary: String) {
        #expect(MultipartBoundary.isValid(boundary))
    }

    @Test(arguments: ["", "a ", " ", "a\tb", "a\"b", "a;b", "a\\b", "\u{E9}", String(repeating: "z", count: 71)])
    func refusesInvalidBoundaries(boundary: String) {
        #expect(MultipartBoundary.isValid(boundary) == false)
    }
}
