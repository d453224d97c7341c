#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import RunbookCore
@testable import RunbookEngine
import TestSupport

/// Issue 15: local commands are spawned by runbook's own process layer (`SpawnedProcess`,
/// `IOReactor`), no longer by swift-subprocess. What a child gets, and what runbook refuses to
/// start, checked from inside the child.
@Suite struct ProcessSpawnTests {
    private func run(_ command: String, stdin: [UInt8]? = nil,
                     environment: [String: String] = [:]) async throws -> (CommandResult, RecordingOutputSink) {
        let sink = RecordingOutputSink()
        let request = CommandRequest(command: command, environment: environment, stdin: stdin)
        return (try await LocalTransport().run(request, sink: sink), sink)
    }

    /// runbook ignores SIGPIPE, and posix_spawn leaves glibc's internal signals 32 and 33
    /// ignored unless told otherwise: the command must see every signal at its default and
    /// none blocked, as after fork and exec.
    @Test func everySignalIsAtItsDefaultAndUnblocked() async throws {
        // Read with builtins only: while dash waits for a child (a `grep`) it blocks every signal
        // itself, and a reader in that child saw that mask, not the one runbook gave.
        let (result, sink) = try await run(
            #"while IFS= read -r line; do case $line in SigBlk:*|SigIgn:*) echo "$line";; esac; done < /proc/$$/status"#)
        #expect(result.status == .exited(0))
        let text = await sink.stdoutText
        #expect(text == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")
    }

    @Test func noDescriptorOfRunbookReachesTheCommand() async throws {
        // Opened without O_CLOEXEC, as a library might: it must still not be inherited.
        let leaky = open("/dev/null", O_RDONLY)
        try #require(leaky >= 3)
        defer { close(leaky) }
        let (result, sink) = try await run("ls /proc/$$/fd")
        #expect(result.status == .exited(0))
        #expect(await sink.stdoutText == "0\n1\n2\n")
    }

    /// A C string ends at its first NUL: the shell would run only the text before it, which is
    /// not the command the plan showed.
    @Test func aNulByteInTheCommandIsRefusedNotCut() async throws {
        do {
            _ = try await run("echo kept\u{0}; echo dropped")
            Issue.record("a command with a NUL byte was started")
        } catch let error as TransportError {
            #expect(error.kind == .launchFailed)
            #expect(error.message.hasPrefix("could not run /bin/sh: an argument or environment entry contains a NUL byte"))
        }
    }

    @Test func anEnvironmentNameWithAnEqualsSignIsRefused() async throws {
        do {
            _ = try await run("true", environment: ["A=B": "c"])
            Issue.record("a variable named A=B was passed on")
        } catch let error as TransportError {
            #expect(error.kind == .launchFailed)
            #expect(error.message == #"could not run /bin/sh: invalid environment variable name "A=B""#)
        }
    }

    /// 1 MiB is sixteen times a pipe's buffer: the rest is written as the command reads.
    @Test func inputLargerThanAPipeReachesTheCommandWhole() async throws {
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let (result, sink) = try await run("cksum", stdin: input)
        #expect(result.status == .exited(0))
        let (_, expected) = try await run("head -c 1048576 | cksum", stdin: input + Array("tail".utf8))
        #expect(await sink.stdoutText == (await expected.stdoutText))
        #expect(await sink.stdoutText.hasSuffix(" 1048576\n"))
    }

    /// Many children at once: descriptor numbers are reused as children end, and each
    /// command's output must still reach its own sink, whole.
    @Test func concurrentCommandsEachGetTheirOwnOutput() async throws {
        let outputs = try await withThrowingTaskGroup(of: (Int, String, RunbookCore.ExitStatus).self) { group in
            for n in 0..<120 {
                group.addTask {
                    let (result, sink) = try await run("i=0; while [ $i -lt \(n % 7) ]; do echo \(n); i=$((i+1)); done; echo \(n) >&2; exit \(n % 5)")
                    return (n, await sink.stdoutText + "|" + (await sink.stderrText), result.status)
                }
            }
            var all: [Int: (String, RunbookCore.ExitStatus)] = [:]
            for try await (n, text, status) in group { all[n] = (text, status) }
            return all
        }
        #expect(outputs.count == 120)
        for n in 0..<120 {
            let expected = String(repeating: "\(n)\n", count: n % 7) + "|\(n)\n"
            #expect(outputs[n]?.0 == expected, "command \(n)")
            #expect(outputs[n]?.1 == .exited(Int32(n % 5)), "command \(n)")
        }
    }
}

/// A child's "parent" for `PR_SET_PDEATHSIG` (`bwrap --die-with-parent`, the simulator's
/// sandbox) is the thread that spawned it; the cooperative pool ends idle threads, which
/// killed sandboxed commands 5 s into a step. Children are spawned on a thread of their own,
/// which lives as long as runbook.
@Suite struct SpawnThreadTests {
    /// This thread's id (`/proc/thread-self` links to `PID/task/TID`) and name.
    private static func currentThread() -> (id: Int, name: String) {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return (Int(link.split(separator: "/").last ?? "") ?? -1, name.trimmingCharacters(in: CharacterSet.newlines))
    }

    @Test func spawnsRunOnOneLongLivedThreadOfItsOwn() async throws {
        var seen: Set<Int> = []
        for _ in 0..<20 {
            let (id, name) = await SpawnThread.shared.run { Self.currentThread() }
            #expect(name == "runbook-spawn")
            #expect(id != Int(getpid()))
            seen.insert(id)
        }
        #expect(seen.count == 1)
    }
}

/// `/proc/PID/stat` read as bytes: the command name (in parentheses) may hold spaces and
/// parentheses of its own, and only the fields after the last `)` count.
@Suite struct ProcessTableTests {
    @Test func fieldsAfterAnAwkwardCommandNameAreRead() async throws {
        let scratch = try Scratch(prefix: "runbook-stat")
        defer { scratch.remove() }
        let program = "\(scratch.path)/a) b (c"
        try FileManager.default.createSymbolicLink(atPath: program, withDestinationPath: "/bin/sleep")
        let sink = RecordingOutputSink()
        let request = CommandRequest(command: "echo $$; '\(program)' 30 >/dev/null 2>&1 & echo $!")
        _ = try await LocalTransport().run(request, sink: sink)
        let pids = await sink.stdoutText.split(separator: "\n").compactMap { pid_t($0) }
        try #require(pids.count == 2)
        let (group, sleeper) = (pids[0], pids[1])
        defer { kill(sleeper, SIGKILL) }
        // Until the exec is done its name is still the shell's.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(30))
        while clock.now < deadline,
              (try? String(contentsOfFile: "/proc/\(sleeper)/comm", encoding: .utf8)) != "a) b (c\n" {
            try await Task.sleep(for: .milliseconds(5))
        }
        let status = try #require(ProcessTable.status(of: sleeper))
        // Running or already asleep: either is a state letter, not a piece of the name.
        #expect(status.state == "R" || status.state == "S")
        #expect(status.group == group)
        // The oracle: the line split as text after its last ")" (field 22 is the 20th there).
        let line = try String(contentsOfFile: "/proc/\(sleeper)/stat", encoding: .utf8)
        let tail = try #require(line.range(of: ")", options: .backwards)).upperBound
        let fields = line[tail...].split(separator: " ")
        #expect(ProcessTable.startTime(of: sleeper) == UInt64(fields[19]))
        #expect(ProcessTable.status(of: Int32.max) == nil)
    }
}

/// The exit of a child is learnt from its pidfd, and looking never blocks: a wake-up that was
/// not the exit (a stale event of a closed descriptor whose number the pidfd reuses) used to
/// block a cooperative thread in `waitid` until the child ended.
@Suite struct ChildExitTests {
    @Test func lookingAtARunningChildDoesNotBlockAndItsExitIsReaped() async throws {
        let reactor = try IOReactor.shared.get()
        let child = try SpawnedProcess("/bin/sh", arguments: ["/bin/sh", "-c", "read -r _; exit 7"],
                                       environment: ["PATH=/usr/bin:/bin"])
        defer { for fd in [child.stdout, child.stderr] { close(fd) } }
        #expect(child.reapIfExited() == .running)
        close(child.stdin)
        #expect(await child.exitStatus(reactor: reactor) == .exited(7))

        let killed = try SpawnedProcess("/bin/sh", arguments: ["/bin/sh", "-c", "read -r _"], environment: [])
        defer { for fd in [killed.stdin, killed.stdout, killed.stderr] { close(fd) } }
        #expect(killed.reapIfExited() == .running)
        kill(killed.pid, SIGKILL)
        #expect(await killed.exitStatus(reactor: reactor) == .signaled(SIGKILL))
    }
}
