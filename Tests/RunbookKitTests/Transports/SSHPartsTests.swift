import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine
import TestSupport

/// The pieces of SSHTransport that need no server: quoting, the wrapper's stderr lines,
/// error classification, the command line, the control directory.
@Suite struct SSHPartsTests {
    @Test func quotingSurvivesAnyText() async throws {
        #expect(RemoteShell.quote("a b") == "'a b'")
        #expect(RemoteShell.quote("it's") == #"'it'\''s'"#)
        let nasty = #"$(rm -rf /) `id` "q" 'x' \n ; | & * ~"#
        let sink = RecordingOutputSink()
        _ = try await LocalTransport().run(CommandRequest(command: "printf %s " + RemoteShell.quote(nasty)), sink: sink)
        #expect(await sink.stdoutText == nasty)
    }

    @Test func wrapperRunsTheCommandAndReportsItsGroup() async throws {
        let wrapped = RemoteShell.wrap("echo \"$X\"; exit 7", environment: ["X": "v'1"], become: false,
                                       token: RemoteShell.newToken())
        let sink = RecordingOutputSink()
        let result = try await LocalTransport().run(CommandRequest(command: wrapped), sink: sink)
        #expect(result.status == .exited(7))
        #expect(await sink.stdoutText == "v'1\n")
        #expect(await sink.stderrText.hasPrefix(RemoteShell.pgidMarker))
    }

    /// Issue 15: the wrapper cost a group file per command (written, then removed by `rm`).
    @Test func wrapperWritesNoFileAndIsFoundByItsTag() async throws {
        let token = RemoteShell.newToken()
        let wrapped = RemoteShell.wrap(#"for f in /tmp/runbook-\#(token).*; do [ -e "$f" ] && echo "$f"; done; "#
                                       + #"tr '\0' '\n' < /proc/$PPID/cmdline | grep -x "runbook-\#(token)""#,
                                       environment: [:], become: false, token: token)
        let sink = RecordingOutputSink()
        let result = try await LocalTransport().run(CommandRequest(command: wrapped), sink: sink)
        #expect(result.status == .exited(0))
        #expect(await sink.stdoutText == "runbook-\(token)\n")
    }

    @Test func killBeforeTheWrapperStartsMeansTheCommandNeverRuns() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let token = RemoteShell.newToken()
        let local = LocalTransport()
        let kill = RemoteShell.killGroup(token: token, knownGroup: nil, grace: .seconds(1), become: false)
        #expect(try await local.run(CommandRequest(command: kill), sink: RecordingOutputSink()).status == .exited(0))
        let wrapped = RemoteShell.wrap("touch \(dir.path("ran"))", environment: [:], become: false, token: token)
        #expect(try await local.run(CommandRequest(command: wrapped), sink: RecordingOutputSink()).status == .exited(143))
        #expect(TextFile.read(dir.path("ran")) == nil)
        #expect(TextFile.read("/tmp/runbook-\(token).cancel") == nil)
        #expect(TextFile.read("/tmp/runbook-\(token).pgid") == nil)
    }

    @Test func killAfterTheWrapperStartedEndsItsGroup() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let token = RemoteShell.newToken()
        let local = LocalTransport()
        let wrapped = RemoteShell.wrap("sleep 1000 & echo $! > \(dir.path("pid")); wait", environment: [:],
                                       become: false, token: token)
        let running = Task { try await local.run(CommandRequest(command: wrapped), sink: RecordingOutputSink()) }
        let pid = try #require(await waitForPID(dir.path("pid")))
        let kill = RemoteShell.killGroup(token: token, knownGroup: nil, grace: .seconds(1), become: false)
        #expect(try await local.run(CommandRequest(command: kill), sink: RecordingOutputSink()).status == .exited(0))
        #expect(try await running.value.status == .signaled(15))
        #expect(await ProcessProbe.waitUntilGone(pid))
        #expect(TextFile.read("/tmp/runbook-\(token).pgid") == nil)
        #expect(TextFile.read("/tmp/runbook-\(token).cancel") == nil)
    }

    private func waitForPID(_ path: String) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while clock.now < deadline {
            if let text = TextFile.read(path), text.hasSuffix("\n"), let pid = Int32(text.filter(\.isNumber)) { return pid }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func scannerStripsWrapperLinesEvenWhenSplitAcrossChunks() async {
        let sink = RecordingOutputSink()
        let scanner = RemoteOutputScanner(forwardingTo: sink)
        for chunk in ["motd line\n@runbook-p", "gid 4242\nerr", "or\n@runbook-ex", "it-255\n"] {
            await scanner.write(Array(chunk.utf8), to: .stderr)
        }
        await scanner.finish(status: .exited(255))
        #expect(await sink.stderrText == "motd line\nerror\n")
        #expect(await scanner.remoteGroup == 4242)
        #expect(await scanner.commandExited255)
        #expect(await scanner.outputStarted)
    }

    @Test func scannerKeepsLookalikeTextThatIsNotTheMarker() async {
        let sink = RecordingOutputSink()
        let scanner = RemoteOutputScanner(forwardingTo: sink)
        await scanner.write(Array("@runbook-pgid 9\n@runbook-exit-255\n".utf8), to: .stderr)
        await scanner.finish(status: .exited(0))
        #expect(await sink.stderrText == "@runbook-exit-255\n")
        #expect(await !scanner.commandExited255)
        let early = RemoteOutputScanner(forwardingTo: sink)
        await early.write(Array("@run".utf8), to: .stderr)
        await early.finish(status: .exited(255))
        #expect(await early.remoteGroup == nil)
    }

    @Test func classificationGivesDistinctMessages() {
        let target = SSHTarget(InventoryHost(name: "etcd-1", address: "etcd-1.example", user: "ops", port: 2222))
        func kind(_ stderr: String, started: Bool = false, confirmed: Bool = false) -> TransportError? {
            SSHFailure.classify(stderr: stderr, commandStarted: started, commandExited255: confirmed,
                                outputStarted: started, target: target)
        }
        let resolve = kind("ssh: Could not resolve hostname etcd-1.example: Name or service not known\n")
        #expect(resolve?.kind == .unreachable)
        #expect(resolve?.message == "cannot resolve the address of etcd-1 ('etcd-1.example'): ssh: Could not resolve hostname etcd-1.example: Name or service not known. Check ansible_host in the inventory and DNS.")
        let timeout = kind("ssh: connect to host etcd-1.example port 2222: Connection timed out\n")
        #expect(timeout?.message == "cannot reach ops@etcd-1.example:2222: Connection timed out. Check that the host is up, sshd listens on port 2222 and no firewall is in the way.")
        #expect(kind("Host key verification failed.\n")?.kind == .hostKeyMismatch)
        #expect(kind("ops@etcd-1.example: Permission denied (publickey).\n")?.message.contains("the keys from your ssh config and agent") == true)
        #expect(kind("", started: true, confirmed: true) == nil)
        let lost = kind("", started: true)
        #expect(lost?.kind == .connectionLost)
        #expect(lost?.message == "connection to ops@etcd-1.example:2222 lost while the command was running, after it had started printing (ssh exited with status 255 and no message). The command may or may not have completed on etcd-1: check the host before resuming.")
    }

    @Test func commandLineFollowsTheInventory() throws {
        var host = InventoryHost(name: "m0", address: "-oProxyCommand=evil", user: "ops", port: 2200,
                                 identityFile: "/k", vars: ["ssh_options": .list([.string("-o"), .string("Compression=yes")]),
                                                            "ansible_ssh_common_args": .string("-o ServerAliveInterval=5")])
        let transport = SSHTransport(host: host, multiplexing: false)
        #expect(try transport.arguments(remote: "true") == [
            "-T", "-o", "BatchMode=yes", "-p", "2200", "-l", "ops", "-i", "/k",
            "-o", "ServerAliveInterval=5", "-o", "Compression=yes",
            "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=3",
            "--", "-oProxyCommand=evil", "true",
        ])
        host.vars["ansible_ssh_common_args"] = .string(#"-o ProxyCommand="ssh -W %h:%p bastion""#)
        #expect(throws: TransportError.self) { try SSHTransport(host: host).arguments(remote: "true") }
    }

    @Test func controlDirectoryMustBePrivate() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        #expect(try ControlDirectory.prepare(dir.path("cm"), host: "h") == dir.path("cm"))
        let open = dir.path("open")
        _ = try await LocalTransport().run(CommandRequest(command: "mkdir -m 755 \(open)"), sink: RecordingOutputSink())
        let error = #expect(throws: TransportError.self) { try ControlDirectory.prepare(open, host: "h") }
        #expect(error?.message == "refusing ssh control directory '\(open)': others can use it (mode 755); it must be 0700")
    }
}
