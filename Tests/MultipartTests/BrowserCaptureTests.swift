import Foundation
import HaptikTestSupport
import Multipart
import Testing

/// One entry of `Captures/manifest.json` (see `Captures/README.md`).
private struct Capture: Decodable {
    struct File: Decodable {
        let field: String
        let filename: String
        let contentType: String
        let content: String

        enum CodingKeys: String, CodingKey {
            case field, filename, content
            case contentType = "content_type"
        }
    }

    let body: String
    let boundary: String
    let files: [File]?
    let textField: String?
    let text: String?
    let expect: String?

    enum CodingKeys: String, CodingKey {
        case body, boundary, files, text, expect
        case textField = "text_field"
    }
}

private let capturesURL = Bundle.module.url(forResource: "Captures", withExtension: nil)!

private func loadManifest() throws -> [String: Capture] {
    try JSONDecoder().decode([String: Capture].self, from: Data(contentsOf: capturesURL.appendingPathComponent("manifest.json")))
}

private func bytes(ofCaptureFile path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: capturesURL.appendingPathComponent(path)))
}

/// The multipart body of a capture file: the file itself, or what follows its HTTP head if it has one.
private func multipartBody(ofCaptureFile path: String) throws -> [UInt8] {
    let file = try bytes(ofCaptureFile: path)
    if file.starts(with: "--".utf8) { return file }
    let headEnd = try #require(file.firstRange(of: Array("\r\n\r\n".utf8)), "no multipart body in \(path)")
    return Array(file[headEnd.upperBound...])
}

private let wellFormedCaptures = [
    "firefox3-2png1txt", "firefox3-2pnglongtext", "opera8-2png1txt", "webkit3-2png1txt", "ie6-2png1txt",
]

@Suite struct BrowserCaptureTests {
    @Test func manifestListsTheWellFormedCapturesAndTheLineFeedOne() throws {
        let manifest = try loadManifest()
        #expect(Set(manifest.keys) == Set(wellFormedCaptures + ["ie7-full-path"]))
        #expect(wellFormedCaptures.allSatisfy { manifest[$0]?.expect == nil })
        #expect(manifest["ie7-full-path"]?.expect == "malformed")
    }

    @Test func capturesComeWithTheirLicense() throws {
        let license = String(decoding: try bytes(ofCaptureFile: "LICENSE-werkzeug.txt"), as: UTF8.self)
        #expect(license.contains("Redistribution and use in source and binary forms"))
    }

    @Test(arguments: wellFormedCaptures)
    func yieldsExactlyTheManifestParts(name: String) throws {
        let capture = try #require(try loadManifest()[name])
        let files = try #require(capture.files)
        var expected: [MultipartEvent] = []
        for file in files {
            expected += partEvents(PartHeaders(name: file.field, filename: file.filename, contentType: file.contentType),
                                   try bytes(ofCaptureFile: file.content))
        }
        expected += partEvents(PartHeaders(name: try #require(capture.textField)), try #require(capture.text))
        let body = try multipartBody(ofCaptureFile: capture.body)
        #expect(MultipartBoundary.from(contentType: "multipart/form-data; boundary=\(capture.boundary)") == capture.boundary)
        #expect(expectSameEventsAtEverySplit(body, boundary: capture.boundary) == .success(expected))
    }

    @Test func rejectsTheLineFeedCaptureTheSameWayAtEverySplit() throws {
        let capture = try #require(try loadManifest()["ie7-full-path"])
        let body = try multipartBody(ofCaptureFile: capture.body)
        #expect(body.starts(with: Array("--\(capture.boundary)\n".utf8)))
        #expect(expectSameEventsAtEverySplit(body, boundary: capture.boundary) == .failure(.malformedDelimiter))
    }

    @Test func parsesTheLineFeedCaptureOnceConvertedToCRLF() throws {
        // The negative vector is only its line endings away from a valid body.
        let capture = try #require(try loadManifest()["ie7-full-path"])
        var body: [UInt8] = []
        for byte in try multipartBody(ofCaptureFile: capture.body) {
            if byte == 0x0A { body.append(0x0D) }
            body.append(byte)
        }
        let events = try parseMultipart([body[...]], boundary: capture.boundary).get()
        let headers = events.compactMap { if case .started(let headers) = $0 { headers } else { nil } }
        #expect(headers.map(\.name) == ["file-form-submit-flag", "categoryId", "title", "description",
                                        "cb_file_upload_multiple", "submit"])
        #expect(headers[4].filename == "Sellersburg Town Council Meeting 02-22-2010doc.doc")
        #expect(headers[4].contentType == "application/msword")
    }
}
