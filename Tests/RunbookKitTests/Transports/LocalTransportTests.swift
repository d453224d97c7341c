#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite struct LocalTransportCommandTests {
    let transport = LocalTransport()

    func run(_ command: String, stdin: [UInt8]? = nil, environment: [String: String] = [:],
             timeout: TimeSpan? = nil, grace: TimeSpan = .seconds(5)) async throws -> (CommandResult, RecordingOutputSink) {
        let sink = RecordingOutputSink()
        let request = CommandRequest(command: command, environment: environment, stdin: stdin,
                                     timeout: timeout, gracePeriod: grace)
        return (try await transport.run(request, sink: sink), sink)
    }

    @Test func exitCodesPassThrough() async throws {
        #expect(try await run("true").0.status == .exited(0))
        #expect(try await run("exit 3").0.status == .exited(3))
        #expect(try await run("exit 255").0.status == .exited(255))
        #expect(try await run("kill -USR1 $$").0.status == .signaled(SIGUSR1))
    }

    @Test func stdoutAndStderrAreSeparate() async throws {
        let (result, sink) = try await run("echo out; echo err >&2; printf tail")
        #expect(result.status == .exited(0))
        #expect(await sink.stdoutText == "out\ntail")
        #expect(await sink.stderrText == "err\n")
    }

    @Test func stdinIsFedOrNull() async throws {
        let (_, fed) = try await run("tr a-z A-Z", stdin: Array("hello\n".utf8))
        #expect(await fed.stdoutText == "HELLO\n")
        let (result, empty) = try await run("wc -c")
        #expect(result.status == .exited(0))
        #expect(await empty.stdoutText.trimmingSpaces == "0")
    }

    @Test func commandThatIgnoresLargeStdinStillSucceeds() async throws {
        let (result, _) = try await run("exit 0", stdin: [UInt8](repeating: 65, count: 1 << 20))
        #expect(result.status == .exited(0))
    }

    @Test func environmentIsInheritedAndExtended() async throws {
        let (_, sink) = try await run(#"printf '%s|%s' "$RUNBOOK_T" "${PATH:+has-path}""#,
                                      environment: ["RUNBOOK_T": "a b'c"])
        #expect(await sink.stdoutText == "a b'c|has-path")
    }

    @Test func sessionAndGroupAreTheChildsOwn() async throws {
        // ps-free check: /proc/self/stat of the shell gives pid, pgrp and session.
        let (_, sink) = try await run(#"read -r pid _ _ _ pgrp sid _ < /proc/$$/stat; [ "$pid" = "$pgrp" ] && [ "$pid" = "$sid" ] && echo leader"#)
        #expect(await sink.stdoutText == "leader\n")
    }

    @Test func timeoutKillsTheWholeTree() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let pidFile = dir.path("grandchild")
        let (result, _) = try await run("sleep 1000 & echo $! > \(pidFile); wait",
                                         timeout: TimeSpan(milliseconds: 1000), grace: .seconds(2))
        #expect(result.status == .timedOut)
        let pid = try #require(readPID(pidFile))
        #expect(await ProcessProbe.waitUntilGone(pid), "grandchild sleep \(pid) survived the timeout")
    }

    @Test func grandchildIgnoringSIGTERMIsKilledAfterGrace() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let pidFile = dir.path("stubborn")
        // The grandchild ignores SIGTERM and the shell exits at once on it: only the group sweep
        // after the grace period can end it.
        let (result, _) = try await run(
            "sh -c 'trap \"\" TERM; echo $$ > \(pidFile); while :; do sleep 1; done' & "
                + "while [ ! -s \(pidFile) ]; do sleep 0.01; done; wait",
            timeout: TimeSpan(milliseconds: 500), grace: TimeSpan(milliseconds: 300))
        #expect(result.status == .timedOut)
        let pid = try #require(readPID(pidFile))
        #expect(await ProcessProbe.waitUntilGone(pid), "SIGTERM-ignoring grandchild \(pid) survived")
    }

    @Test func cancellationInterruptsAndEndsTheTree() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let pidFile = dir.path("grandchild")
        let transport = self.transport
        let task = Task {
            try await transport.run(CommandRequest(command: "sleep 1000 & echo $! > \(pidFile); wait",
                                                   gracePeriod: .seconds(2)),
                                    sink: RecordingOutputSink())
        }
        // Wait until the tree exists, then interrupt the run.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while readPID(pidFile) == nil, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let pid = try #require(readPID(pidFile))
        task.cancel()
        let result = try await task.value
        #expect(result.status == .interrupted)
        #expect(await ProcessProbe.waitUntilGone(pid), "grandchild sleep \(pid) survived the interruption")
    }

    @Test func largeOutputIsStreamedInBoundedChunks() async throws {
        let sink = ByteCountingSink()
        let size = 50 * 1024 * 1024
        let result = try await transport.run(
            CommandRequest(command: "head -c \(size) /dev/zero; head -c 1000 /dev/zero >&2"), sink: sink)
        #expect(result.status == .exited(0))
        #expect(await sink.total == size + 1000)
        #expect(await sink.largestChunk <= 1 << 20)
        #expect(await sink.chunks > 50)
    }

    @Test func missingShellCommandIsAnExitCodeNotAnError() async throws {
        let (result, sink) = try await run("definitely-not-a-command-xyz")
        #expect(result.status == .exited(127))
        #expect(await sink.stderrText.contains("not found"))
    }

    private func readPID(_ path: String) -> pid_t? {
        guard let fd = Optional(open(path, O_RDONLY)), fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return pid_t(String(decoding: buffer[0..<n], as: UTF8.self).trimmingSpaces)
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

@Suite struct LocalTransportCancelledTests {
    @Test func anAlreadyInterruptedRunStartsNothing() async throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let marker = dir.path("ran")
        let task = Task {
            while !Task.isCancelled { await Task.yield() }
            return try await LocalTransport().run(CommandRequest(command: "touch \(marker)"), sink: RecordingOutputSink())
        }
        task.cancel()
        #expect(try await task.value.status == .interrupted)
        #expect(TextFile.read(marker) == nil)
    }
}
