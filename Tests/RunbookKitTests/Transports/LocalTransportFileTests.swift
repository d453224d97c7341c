#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite struct LocalTransportFileTests {
    let transport = LocalTransport()

    @Test func readMissingFileIsNil() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        #expect(try await transport.readFile(dir.path("absent")) == nil)
    }

    @Test func writeThenReadRoundTrips() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let path = dir.path("a.conf")
        try await transport.writeFile(path, contents: Array("one\n".utf8), mode: nil)
        #expect(try await transport.readFile(path) == Array("one\n".utf8))
        #expect(mode(of: path) == 0o644)
        try await transport.writeFile(path, contents: [], mode: nil)
        #expect(try await transport.readFile(path) == [])
    }

    @Test func newFileGetsRequestedModeAndExistingKeepsItsOwn() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let path = dir.path("secret")
        try await transport.writeFile(path, contents: Array("x".utf8), mode: 0o600)
        #expect(mode(of: path) == 0o600)
        chmod(path, 0o751)
        try await transport.writeFile(path, contents: Array("y".utf8), mode: 0o600)
        #expect(mode(of: path) == 0o751)
        #expect(try await transport.readFile(path) == Array("y".utf8))
    }

    @Test func atomicWriteLeavesNoTemporaryFiles() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        try await transport.writeFile(dir.path("f"), contents: Array("x".utf8), mode: nil)
        #expect(entries(of: dir.path) == ["f"])
    }

    @Test func writeIntoMissingDirectoryFailsClearly() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let path = dir.path("nope/f")
        let error = await #expect(throws: TransportError.self) {
            try await transport.writeFile(path, contents: [], mode: nil)
        }
        #expect(error?.kind == .fileError)
        #expect(error?.message == "cannot create a temporary file next to '\(path)': No such file or directory")
    }

    @Test func moveRenamesAndRefusesMissingDirectory() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        try await transport.writeFile(dir.path("a"), contents: Array("x".utf8), mode: nil)
        try await transport.moveFile(from: dir.path("a"), to: dir.path("b"))
        #expect(try await transport.readFile(dir.path("a")) == nil)
        #expect(try await transport.readFile(dir.path("b")) == Array("x".utf8))
        let error = await #expect(throws: TransportError.self) {
            try await transport.moveFile(from: dir.path("b"), to: dir.path("missing/c"))
        }
        #expect(error?.message == "cannot move '\(dir.path("b"))' to '\(dir.path("missing/c"))': No such file or directory")
    }

    @Test func removeIsIdempotent() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        try await transport.writeFile(dir.path("a"), contents: [], mode: nil)
        try await transport.removeFile(dir.path("a"))
        try await transport.removeFile(dir.path("a"))
        #expect(try await transport.readFile(dir.path("a")) == nil)
    }

    @Test func readingADirectoryIsAnError() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let error = await #expect(throws: TransportError.self) { try await transport.readFile(dir.path) }
        #expect(error?.message == "cannot read '\(dir.path)': it is a directory")
        #expect(error?.host == "localhost")
    }

    private func mode(of path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    private func entries(of path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

@Suite struct LocalTransportOwnerTests {
    @Test(.enabled(if: geteuid() == 0, "giving a file to another user needs root"))
    func rewriteKeepsTheOwner() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let path = dir.path("owned")
        try await LocalTransport().writeFile(path, contents: Array("a".utf8), mode: nil)
        chown(path, 65534, 65534)
        try await LocalTransport().writeFile(path, contents: Array("b".utf8), mode: nil)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_uid == 65534 && info.st_gid == 65534)
    }
}
