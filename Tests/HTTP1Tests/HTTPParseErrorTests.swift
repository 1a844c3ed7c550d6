import HTTP1
import Testing

@Suite struct HTTPParseErrorTests {
    static let allErrors: [HTTPParseError] = [
        .headTooLarge, .invalidLineEnding, .invalidRequestLine, .unsupportedVersion, .obsoleteLineFolding,
        .invalidHeaderField, .invalidHost, .invalidContentLength, .repeatedContentLength,
        .contentLengthWithTransferEncoding, .unsupportedTransferCoding, .invalidChunkSize, .invalidChunkFraming,
    ]

    @Test(arguments: [
        (HTTPParseError.headTooLarge, 431), (.unsupportedVersion, 505), (.unsupportedTransferCoding, 501),
        (.invalidLineEnding, 400), (.invalidRequestLine, 400), (.obsoleteLineFolding, 400),
        (.invalidHeaderField, 400), (.invalidHost, 400), (.invalidContentLength, 400), (.repeatedContentLength, 400),
        (.contentLengthWithTransferEncoding, 400), (.invalidChunkSize, 400), (.invalidChunkFraming, 400),
    ])
    func mapsToItsStatus(error: HTTPParseError, status: Int) {
        #expect(error.status == status)
    }

    @Test func coversEveryErrorInTheStatusTable() {
        #expect(Self.allErrors.count == 13)
    }

    @Test(arguments: allErrors)
    func hasAMessageForTheClient(error: HTTPParseError) {
        #expect(!error.message.isEmpty)
    }

    @Test func messagesAreDistinct() {
        #expect(Set(Self.allErrors.map(\.message)).count == Self.allErrors.count)
    }

    @Test func headTooLargeNamesTheLimit() {
        #expect(HTTPParseError.headTooLarge.message.contains("65536"))
    }
}
