#if canImport(Glibc)
import Glibc
#endif
import Testing
import RunbookCore
@testable import RunbookEngine
import TestSupport

/// Issue 15: a remote step cost a local `exec` of `/bin/sh` (the stdin gate) before `ssh`.
/// `ssh` is now spawned directly and the gate line travels over the connection: the remote
/// wrapper waits for it before anything runs, and runs nothing when stdin ends first.
@Suite struct SSHSpawnTests {
    /// A stand-in `ssh` that records its stdin and runs the remote command (its last argument)
    /// with `/bin/sh` here, as sshd would run it through the login shell.
    private func fakeSSH(in dir: Scratch) throws -> String {
        let path = try dir.write("ssh", """
            #!/bin/sh
            for a; do r=$a; done
            tee '\(dir.path("stdin"))' | /bin/sh -c "$r"
            """)
        chmod(path, 0o755)
        return path
    }

    @Test func theGateLineTravelsToTheRemoteWrapperAheadOfTheInput() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let transport = SSHTransport(host: InventoryHost(name: "h", address: "127.0.0.1"), multiplexing: false,
                                     sshExecutable: try fakeSSH(in: dir))
        let sink = RecordingOutputSink()
        let result = try await transport.run(CommandRequest(command: "cat; exit 4", stdin: Array("payload\n".utf8)),
                                             sink: sink)
        #expect(result.status == .exited(4))
        #expect(await sink.stdoutText == "payload\n")
        // Without a local gate shell, ssh itself gets the gate line first; the wrapper took it.
        #expect(try dir.read("stdin") == "go\npayload\n")
        #expect(await sink.stderrText == "")  // the wrapper's group line was taken out
    }

    @Test func aWrapperWhoseStdinEndsBeforeTheGateRunsNothing() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let wrapped = RemoteShell.wrap("touch \(dir.path("ran"))", environment: [:], become: false,
                                       token: RemoteShell.newToken(), gated: true)
        // The local transport's own gate takes its line; the wrapper then reads end of input,
        // as it does when runbook dies before the process identity is journaled.
        let sink = RecordingOutputSink()
        let result = try await LocalTransport().run(CommandRequest(command: wrapped), sink: sink)
        #expect(result.status == .exited(125))
        #expect(await sink.stderrText == "")
        #expect(TextFile.read(dir.path("ran")) == nil)
    }

    @Test func aWrongGateLineRunsNothing() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let wrapped = RemoteShell.wrap("touch \(dir.path("ran"))", environment: [:], become: false,
                                       token: RemoteShell.newToken(), gated: true)
        let result = try await LocalTransport().run(CommandRequest(command: wrapped, stdin: Array("no\n".utf8)),
                                                    sink: RecordingOutputSink())
        #expect(result.status == .exited(125))
        #expect(TextFile.read(dir.path("ran")) == nil)
    }
}
