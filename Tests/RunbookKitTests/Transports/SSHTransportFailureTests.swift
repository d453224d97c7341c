import Testing
import RunbookCore
import RunbookEngine
import TestSupport

/// Each failure gives its own kind and a message naming the host and what to check.
@Suite struct SSHTransportFailureTests {
    func attempt(_ transport: SSHTransport, _ command: String = "true") async -> TransportError? {
        await #expect(throws: TransportError.self) {
            try await transport.run(CommandRequest(command: command), sink: RecordingOutputSink())
        }
    }

    @Test func closedPortIsUnreachable() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        var host = sshd.host(name: "master-0")
        host.port = try TestSSHD.freePort()
        let error = await attempt(sshd.transport(host))
        #expect(error?.kind == .unreachable)
        #expect(error?.host == "master-0")
        #expect(error?.message.hasPrefix("cannot reach runbook-test@127.0.0.1:\(host.port ?? 0): Connection refused.") == true)
    }

    @Test func unknownKeyIsAnAuthenticationFailure() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        try await shellOK("ssh-keygen -q -t ed25519 -N '' -f \(sshd.directory.path("stranger"))")
        let error = await attempt(sshd.transport(sshd.host(identity: sshd.directory.path("stranger"))))
        #expect(error?.kind == .authentication)
        #expect(error?.message.hasPrefix("authentication failed for runbook-test@127.0.0.1:\(sshd.port) (runbook-test@127.0.0.1: Permission denied (publickey).)") == true)
        #expect(error?.message.contains("the key \(sshd.directory.path("stranger"))") == true)
    }

    @Test func changedHostKeyIsRefused() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let other = sshd.directory.path("other_host_key")
        let knownHosts = sshd.directory.path("known_hosts_changed")
        try await shellOK("""
            ssh-keygen -q -t ed25519 -N '' -f \(other) && \
            printf '[127.0.0.1]:\(sshd.port) %s\\n' "$(cut -d' ' -f1,2 \(other).pub)" > \(knownHosts)
            """)
        let error = await attempt(sshd.transport(sshd.host(knownHosts: knownHosts)))
        #expect(error?.kind == .hostKeyMismatch)
        #expect(error?.message.contains("does not match the one in known_hosts (REMOTE HOST IDENTIFICATION HAS CHANGED)") == true)
        #expect(error?.message.contains("ssh-keygen -R [127.0.0.1]:\(sshd.port)") == true)
    }

    @Test func unknownHostKeyIsRefusedInBatchMode() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let empty = sshd.directory.path("known_hosts_empty")
        try await shellOK(": > \(empty)")
        let error = await attempt(sshd.transport(sshd.host(knownHosts: empty)))
        #expect(error?.kind == .hostKeyMismatch)
        #expect(error?.message.contains("is not in known_hosts") == true)
    }

    @Test func droppedConnectionMidCommandIsThrown() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        let sink = RecordingOutputSink()
        let task = Task {
            try await transport.run(CommandRequest(command: "echo started; sleep 30; echo finished"), sink: sink)
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while await sink.stdoutText != "started\n", clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await sink.stdoutText == "started\n")
        sshd.stop()
        let error = await #expect(throws: TransportError.self) { try await task.value }
        #expect(error?.kind == .connectionLost)
        #expect(error?.message.contains("lost while the command was running") == true)
        #expect(await sink.stdoutText == "started\n")
    }

    private func shellOK(_ command: String) async throws {
        let result = try await LocalTransport().run(CommandRequest(command: command), sink: RecordingOutputSink())
        try #require(result.status == .exited(0))
    }
}
