#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

/// Each test starts its own real sshd (Tests/TestSupport/SSHD.swift) on a free port.
@Suite struct SSHTransportCommandTests {
    func run(_ transport: SSHTransport, _ command: String, stdin: [UInt8]? = nil,
             environment: [String: String] = [:], timeout: TimeSpan? = nil) async throws -> (CommandResult, RecordingOutputSink) {
        let sink = RecordingOutputSink()
        let request = CommandRequest(command: command, environment: environment, stdin: stdin,
                                     timeout: timeout, gracePeriod: .seconds(2))
        return (try await transport.run(request, sink: sink), sink)
    }

    @Test func exitCodesStdoutStderrAndStdinPassThrough() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        let (ok, sink) = try await run(transport, "echo out; echo err >&2; whoami")
        #expect(ok.status == .exited(0))
        #expect(await sink.stdoutText == "out\n\(TestSSHD.user)\n")
        #expect(await sink.stderrText == "err\n")
        #expect(try await run(transport, "exit 3").0.status == .exited(3))
        #expect(try await run(transport, "exit 255").0.status == .exited(255))
        let (_, fed) = try await run(transport, "tr a-z A-Z", stdin: Array("hello\n".utf8))
        #expect(await fed.stdoutText == "HELLO\n")
        let (_, empty) = try await run(transport, "wc -c </dev/stdin")
        #expect(await empty.stdoutText.filter { !$0.isWhitespace } == "0")
    }

    @Test func environmentAndQuotingSurviveTheTrip() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let (_, sink) = try await run(sshd.transport(), #"printf '%s|%s' "$RUNBOOK_T" 'it'\''s'"#,
                                      environment: ["RUNBOOK_T": "a b'c $(id) \"q\""])
        #expect(await sink.stdoutText == "a b'c $(id) \"q\"|it's")
        let error = await #expect(throws: TransportError.self) {
            try await run(sshd.transport(), "true", environment: ["BAD-NAME": "x"])
        }
        #expect(error?.kind == .launchFailed)
    }

    @Test func timeoutEndsTheRemoteProcess() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        // Open the connection first, so the timeout measures the command and not the login
        // (a timeout during login is covered by SSHPartsTests' cancel-before-start test).
        #expect(try await run(transport, "true").0.status == .exited(0))
        let (result, sink) = try await run(transport, "sleep 1000 & echo $!; wait",
                                           timeout: TimeSpan(milliseconds: 2000))
        #expect(result.status == .timedOut)
        let pid = try #require(Int32(await sink.stdoutText.filter(\.isNumber)))
        #expect(try await remoteProcessGone(pid, via: transport), "remote sleep \(pid) survived the timeout")
    }

    @Test func interruptionEndsTheRemoteProcess() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        let sink = RecordingOutputSink()
        let task = Task {
            try await transport.run(CommandRequest(command: "sleep 1000 & echo $!; wait", gracePeriod: .seconds(2)), sink: sink)
        }
        let pid = try #require(await waitForPID(in: sink))
        task.cancel()
        #expect(try await task.value.status == .interrupted)
        #expect(try await remoteProcessGone(pid, via: transport), "remote sleep \(pid) survived the interruption")
    }

    @Test func multiplexingReusesOneConnection() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        for _ in 0..<3 { #expect(try await run(transport, "true").0.status == .exited(0)) }
        #expect(sshd.acceptedLogins() == 1)
        let check = try await LocalTransport().run(
            CommandRequest(command: "ssh -O check " + shellWords(try controlArguments(transport))), sink: RecordingOutputSink())
        #expect(check.status == .exited(0))

        let direct = sshd.transport(multiplexing: false)
        for _ in 0..<2 { #expect(try await run(direct, "true").0.status == .exited(0)) }
        #expect(sshd.acceptedLogins() == 3, "\(TextFile.read(sshd.logFile) ?? "")")
    }

    @Test func concurrentCommandsOnAFreshHostAllSucceed() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport()
        // Several steps racing to open the first (master) connection must all run, exactly once each.
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<6 {
                group.addTask {
                    let (result, sink) = try await run(transport, "echo \(i)")
                    #expect(result.status == .exited(0))
                    return await sink.stdoutText
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.sorted() == (0..<6).map { "\($0)\n" })
    }

    @Test func becomeRunsThroughSudo() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let transport = sshd.transport(sshd.host(user: "root", become: true))
        let (result, sink) = try await run(transport, #"printf '%s %s' "$(id -u)" "$SUDO_COMMAND""#)
        #expect(result.status == .exited(0))
        #expect(await sink.stdoutText.hasPrefix("0 /bin/sh -c "))
    }

    /// Polls (bounded) through a second ssh command until the remote pid no longer runs; a
    /// zombie waiting for PID 1 to reap it counts as gone.
    private func remoteProcessGone(_ pid: Int32, via transport: SSHTransport) async throws -> Bool {
        let probe = "kill -0 \(pid) 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' /proc/\(pid)/status"
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while clock.now < deadline {
            let (result, _) = try await run(transport, probe)
            if result.status == .exited(1) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    private func waitForPID(in sink: RecordingOutputSink) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while clock.now < deadline {
            let text = await sink.stdoutText
            if text.hasSuffix("\n"), let pid = Int32(text.filter(\.isNumber)) { return pid }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}

/// The arguments `ssh -O` needs to find the same control socket as `transport`.
func controlArguments(_ transport: SSHTransport) throws -> [String] {
    let host = transport.host
    let options = host.vars["ssh_options"].map { value -> [String] in
        if case .list(let items) = value { return items.map(\.description) }
        return []
    } ?? []
    return options + ["-o", "ControlPath=\(transport.controlDirectory)/cm-%C", "-p", String(host.port ?? 22),
                      "-l", host.user ?? "root", host.address]
}

func shellWords(_ words: [String]) -> String {
    words.map { "'" + $0.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'" }
        .joined(separator: " ")
}
