import Foundation
import HaptikTestSupport
import Testing

// Expectations shared by the integration suites.

/// Expects the storage directory to end up empty (no stored file, no `.partial-*`) within two seconds:
/// a rejected upload must leave nothing behind.
func expectStorageEmpty(_ server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) {
    let emptied = waitUntil(timeout: .seconds(2)) { server.storedFiles().isEmpty }
    #expect(emptied, "storage holds \(server.storedFiles())", sourceLocation: sourceLocation)
}

/// Expects `response` to be an error answer: `status`, `application/json`, and a body of exactly
/// `{"error_message": "<non-empty>"}`.
func expectError(_ response: RawResponse, status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, "body: \(response.bodyText)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
    #expect(response.errorMessage != nil, "body: \(response.bodyText)", sourceLocation: sourceLocation)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the vendor's `created_at`.
func hasCreatedAtFormat(_ text: String) -> Bool {
    text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
}

/// Parses `created_at` as a UTC moment.
func parseCreatedAt(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}

/// The package root, from this file's path (`<root>/Tests/HaptikServerTests/...`).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The repository's fixture file and sample files.
let repositoryFixtures = packageRoot.appendingPathComponent("Fixtures/fixtures.json").path
let samplePNG = packageRoot.appendingPathComponent("Fixtures/sample.png").path
let samplePDF = packageRoot.appendingPathComponent("Fixtures/sample.pdf").path
