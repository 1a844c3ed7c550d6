import Foundation
@testable import Haptik
import Testing

struct FileStoreTests {
    let directory: ScratchDirectory
    let store: FileStore

    init() throws {
        directory = try ScratchDirectory()
        store = try FileStore(directory: directory.path)
    }

    @Test func createsTheDirectoryWithItsParents() throws {
        let nested = "\(directory.path)/a/b/c"
        let store = try FileStore(directory: nested)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(store.directory == nested)
    }

    @Test func refusesADirectoryPathThatIsAFileNamingIt() throws {
        let file = try directory.write("x", to: "plain")
        #expect {
            try FileStore(directory: "\(file)/sub")
        } throws: { error in
            guard case .failed(let message)? = error as? StorageError else { return false }
            return message.contains("\(file)/sub")
        }
    }

    @Test func temporaryFilesArePartialFilesInTheDirectory() throws {
        let first = try store.createTemporaryFile()
        let second = try store.createTemporaryFile()
        #expect(first.path.hasPrefix("\(directory.path)/.partial-"))
        #expect(first.path != second.path)
        #expect(try directory.entries().count == 2)
    }

    @Test func commitRenamesIntoPlaceWithRandomNames() throws {
        var names: Set<String> = []
        for index in 0..<20 {
            let file = try store.createTemporaryFile()
            try [UInt8(index)].withUnsafeBytes { try file.append($0); try file.flush() }
            let name = try store.commit(file, as: "bin")
            #expect(name.wholeMatch(of: /[0-9a-f]{32}\.bin/) != nil)
            names.insert(name)
        }
        #expect(names.count == 20)
        #expect(Set(try directory.entries()) == names)
    }

    @Test func openStoredServesACommittedFile() throws {
        let file = try store.createTemporaryFile()
        try Array("hello".utf8).withUnsafeBytes { try file.append($0); try file.flush() }
        let name = try store.commit(file, as: "txt")
        let opened = try #require(store.openStored(name: name))
        defer { close(opened.fd) }
        #expect(opened.size == 5)
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { read(opened.fd, $0.baseAddress, $0.count) }
        #expect(Array(buffer.prefix(max(count, 0))) == Array("hello".utf8))
    }

    @Test(arguments: [
        "", ".", "..", "/", "../x.png", "a/b.png", "/etc/passwd", ".partial-x", ".partial-x.png", ".png", "x.",
        "x", "a.b.c", "%2e%2e", "x%2Fy.png", "x.png/", "x.png\u{0}", "x .png", "x.abcdefghijklmnopq",
        String(repeating: "a", count: 65) + ".png",
    ])
    func openStoredRefusesAnythingButAStoredName(name: String) throws {
        // Put real files where a lax check would find them.
        _ = try directory.write("secret", to: "x")
        _ = try directory.write("secret", to: ".partial-x")
        _ = try directory.write("secret", to: ".partial-x.png")
        #expect(store.openStored(name: name) == nil)
    }

    @Test func openStoredRefusesARealPartialFile() throws {
        let file = try store.createTemporaryFile()
        try [1, 2, 3].withUnsafeBytes { try file.append($0); try file.flush() }
        let name = URL(fileURLWithPath: file.path).lastPathComponent
        #expect(name.hasPrefix(".partial-"))
        #expect(store.openStored(name: name) == nil)
    }

    @Test func openStoredRefusesAbsentNamesAndDirectories() throws {
        try FileManager.default.createDirectory(atPath: "\(directory.path)/dir.png", withIntermediateDirectories: false)
        #expect(store.openStored(name: "dir.png") == nil)
        #expect(store.openStored(name: "0123456789abcdef0123456789abcdef.png") == nil)
    }

    @Test func openStoredAcceptsAnyStoredShapedName() throws {
        _ = try directory.write("ok", to: "abcDEF123.JPeG")
        let opened = try #require(store.openStored(name: "abcDEF123.JPeG"))
        close(opened.fd)
        #expect(opened.size == 2)
    }
}

struct StorageErrorTests {
    @Test(arguments: [(ENOSPC, StorageError.full), (EDQUOT, .full)])
    func aFullDiskIs507(code: Int32, expected: StorageError) {
        let error = StorageError(errno: code, doing: "write")
        #expect(error == expected)
        #expect(error.status == 507)
        #expect(error.reason == "storage_full")
    }

    @Test func otherFailuresAre500NamingTheOperation() {
        let error = StorageError(errno: EACCES, doing: "rename")
        guard case .failed(let what) = error else {
            Issue.record("expected .failed, got \(error)")
            return
        }
        #expect(what.hasPrefix("rename: "))
        #expect(error.status == 500)
        #expect(error.reason == "storage_failed")
        #expect(error.message.contains(what))
    }
}
