import Foundation
@testable import Haptik
import Testing

struct TemporaryFileTests {
    let directory: ScratchDirectory
    let store: FileStore

    init() throws {
        directory = try ScratchDirectory()
        store = try FileStore(directory: directory.path)
    }

    /// FIPS 180-2 / NIST test vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func hashesWhatIsWritten(text: String, digest: String) throws {
        let file = try store.createTemporaryFile()
        try Array(text.utf8).withUnsafeBytes {
            try file.append($0)
            try file.flush()
        }
        #expect(file.size == text.utf8.count)
        #expect(file.finishHash().hex == digest)
    }

    @Test func hashAndSizeDoNotDependOnHowWritesAreCut() throws {
        let file = try store.createTemporaryFile()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000)
        for _ in 0..<1_000 {
            try chunk.withUnsafeBytes { try file.append($0); try file.flush() }
        }
        try [UInt8]().withUnsafeBytes { try file.append($0); try file.flush() }
        #expect(file.size == 1_000_000)
        #expect(file.finishHash().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func batchedRunsReachTheDiskInOrderAtFlush() throws {
        let file = try store.createTemporaryFile()
        let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        // Runs both borrowed (>= 512 bytes) and staged (shorter), more of them than one writev takes.
        let cuts = [0, 3, 600, 601, 1_900, 1_910, 5_000] + Array(stride(from: 5_100, to: 20_000, by: 150)) + [20_000]
        try bytes.withUnsafeBytes { buffer in
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                try file.append(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            }
            try file.flush()
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == Data(bytes))
        #expect(file.size == bytes.count)
    }

    @Test func writesReachTheDiskAndTheFileGoesWithTheObject() throws {
        var path = ""
        do {
            let file = try store.createTemporaryFile()
            path = file.path
            try Array("abc".utf8).withUnsafeBytes { try file.append($0); try file.flush() }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("abc".utf8))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try directory.entries() == [])
    }

    @Test func theHashOfACommittedFileMatchesItsContents() throws {
        let file = try store.createTemporaryFile()
        try Array("abc".utf8).withUnsafeBytes { try file.append($0); try file.flush() }
        let name = try store.commit(file, as: "txt")
        #expect(file.finishHash().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(name)")) == Data("abc".utf8))
    }
}
