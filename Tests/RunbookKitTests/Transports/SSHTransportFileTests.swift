import Testing
import RunbookCore
import RunbookEngine
import TestSupport

/// File actions over ssh behave like LocalTransport's, on the remote side.
@Suite struct SSHTransportFileTests {
    @Test func writeReadMoveRemove() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        let dir = try await sshd.userDirectory("files")
        let path = "\(dir)/it's a file.conf"
        #expect(try await transport.readFile(path) == nil)
        let contents = Array("line 1\n$(id) 'q'\n".utf8) + [0, 255, 10]
        try await transport.writeFile(path, contents: contents, mode: 0o640)
        #expect(try await transport.readFile(path) == contents)
        #expect(try await modeAndOwner(path) == "640 \(TestSSHD.user)")

        try await transport.moveFile(from: path, to: "\(dir)/moved")
        #expect(try await transport.readFile(path) == nil)
        #expect(try await transport.readFile("\(dir)/moved") == contents)

        try await transport.removeFile("\(dir)/moved")
        try await transport.removeFile("\(dir)/moved")
        #expect(try await transport.readFile("\(dir)/moved") == nil)
        #expect(try await listing(dir) == "")
    }

    @Test func rewriteKeepsModeAndLeavesNoTemporaryFile() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        let dir = try await sshd.userDirectory("keep")
        try await transport.writeFile("\(dir)/f", contents: Array("a".utf8), mode: nil)
        #expect(try await modeAndOwner("\(dir)/f") == "644 \(TestSSHD.user)")
        _ = try await transport.run(CommandRequest(command: "chmod 751 \(dir)/f"), sink: RecordingOutputSink())
        try await transport.writeFile("\(dir)/f", contents: Array("b".utf8), mode: 0o600)
        #expect(try await modeAndOwner("\(dir)/f") == "751 \(TestSSHD.user)")
        #expect(try await transport.readFile("\(dir)/f") == Array("b".utf8))
        #expect(try await listing(dir) == "f\n")
    }

    @Test func becomeWritesAsRootAndKeepsTheOwner() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let dir = try await sshd.userDirectory("become")
        let user = sshd.transport()
        try await user.writeFile("\(dir)/owned", contents: Array("u".utf8), mode: 0o600)
        let root = sshd.transport(sshd.host(user: "root", become: true))
        try await root.writeFile("\(dir)/owned", contents: Array("r".utf8), mode: nil)
        try await root.writeFile("\(dir)/new", contents: Array("n".utf8), mode: 0o600)
        #expect(try await modeAndOwner("\(dir)/owned") == "600 \(TestSSHD.user)")
        #expect(try await modeAndOwner("\(dir)/new") == "600 root")
        #expect(try await user.readFile("\(dir)/owned") == Array("r".utf8))
    }

    @Test func failuresNameThePathHostAndReason() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        let dir = try await sshd.userDirectory("errors")
        let write = await #expect(throws: TransportError.self) {
            try await transport.writeFile("\(dir)/missing/f", contents: [], mode: nil)
        }
        #expect(write?.kind == .fileError)
        #expect(write?.message.hasPrefix("cannot write '\(dir)/missing/f' on node-1: mktemp: failed to create file via template") == true)
        let move = await #expect(throws: TransportError.self) {
            try await transport.moveFile(from: "\(dir)/absent", to: "\(dir)/b")
        }
        #expect(move?.message == "cannot move '\(dir)/absent' to '\(dir)/b' on node-1: mv: cannot stat '\(dir)/absent': No such file or directory")
        let read = await #expect(throws: TransportError.self) { try await transport.readFile(dir) }
        #expect(read?.message == "cannot read '\(dir)' on node-1: it is a directory")
    }

    private func modeAndOwner(_ path: String) async throws -> String {
        try await local("stat -c '%a %U' " + shellWords([path])).filter { $0 != "\n" }
    }

    private func listing(_ dir: String) async throws -> String {
        try await local("ls -A " + shellWords([dir]))
    }

    private func local(_ command: String) async throws -> String {
        let sink = RecordingOutputSink()
        let result = try await LocalTransport().run(CommandRequest(command: command), sink: sink)
        try #require(result.status == .exited(0))
        return await sink.stdoutText
    }
}
