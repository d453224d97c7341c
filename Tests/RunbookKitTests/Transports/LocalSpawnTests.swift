import Testing
import RunbookCore
@testable import RunbookEngine
import TestSupport

/// Issue 15: a local step cost two `exec`s of `/bin/sh` (the stdin gate, then `sh -c COMMAND`);
/// the gate shell now runs the command itself, exactly as `/bin/sh -c COMMAND` would.
@Suite struct LocalSpawnTests {
    private func run(_ command: String) async throws -> (CommandResult, RecordingOutputSink) {
        let sink = RecordingOutputSink()
        return (try await LocalTransport().run(CommandRequest(command: command), sink: sink), sink)
    }

    @Test func theCommandRunsInTheShellRunbookStarted() async throws {
        // Arguments of the shell running the command: with a second exec they were
        // `/bin/sh -c COMMAND`; now the gate shell's own, which end with the command text.
        let (result, sink) = try await run(#"tr '\0' '\n' < /proc/$$/cmdline"#)
        #expect(result.status == .exited(0))
        let argv = await sink.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(Array(argv) == ["/bin/sh", "-c", Substring(ChildProcess.shellGate + #"tr '\0' '\n' < /proc/$$/cmdline"#),
                                "/bin/sh"])
    }

    @Test func parametersMessagesAndStatusAreThoseOfShDashC() async throws {
        let (result, sink) = try await run(#"echo "$0 [$#] [$1]"; nosuch-command-x; exit 3"#)
        #expect(result.status == .exited(3))
        #expect(await sink.stdoutText == "/bin/sh [0] []\n")
        #expect(await sink.stderrText == "/bin/sh: 1: nosuch-command-x: not found\n")
        let (second, lines) = try await run("echo a\nnosuch-command-y")
        #expect(second.status == .exited(127))
        #expect(await lines.stderrText == "/bin/sh: 2: nosuch-command-y: not found\n")
    }

    @Test func aSyntaxErrorOnTheFirstLineRunsNothing() async throws {
        let (result, sink) = try await run("echo ran; if then")
        #expect(result.status == .exited(2))
        #expect(await sink.stdoutText == "")
        #expect(await sink.stderrText == "/bin/sh: 1: Syntax error: \"then\" unexpected\n")
    }

    @Test func otherProgramsAreStillExeced() {
        let child = ChildProcess(executable: "ssh", arguments: ["-T", "host", "true"], environment: [:], stdin: nil,
                                 timeout: nil, gracePeriod: .seconds(1))
        #expect(child.gatedArguments == ["-c", ChildProcess.gate, "ssh", "-T", "host", "true"])
    }
}
