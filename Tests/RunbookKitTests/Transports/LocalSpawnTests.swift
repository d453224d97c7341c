import Foundation
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

    /// swift-subprocess, given a bare name, spawned a child per `PATH` entry until one `execve`
    /// worked (seven failed spawns before /usr/bin/ssh here, for every ssh command): the name is
    /// now resolved first, as `execvp` would.
    @Test func aBareNameIsResolvedAsExecvpWould() throws {
        let scratch = try Scratch(prefix: "runbook-path")
        defer { scratch.remove() }
        let manager = FileManager.default
        for directory in ["a", "b", "c"] {
            try manager.createDirectory(atPath: "\(scratch.path)/\(directory)", withIntermediateDirectories: true)
        }
        // a: a directory of that name; b: a file that is not executable; c: the program.
        try manager.createDirectory(atPath: "\(scratch.path)/a/prog", withIntermediateDirectories: true)
        #expect(manager.createFile(atPath: "\(scratch.path)/b/prog", contents: Data("#!/bin/sh\n".utf8),
                                   attributes: [.posixPermissions: 0o644]))
        #expect(manager.createFile(atPath: "\(scratch.path)/c/prog", contents: Data("#!/bin/sh\n".utf8),
                                   attributes: [.posixPermissions: 0o755]))
        let path = ["/nonexistent", "a", "b", "c"].map { $0.hasPrefix("/") ? $0 : "\(scratch.path)/\($0)" }
        #expect(ChildProcess.lookUp("prog", in: path.joined(separator: ":")) == "\(scratch.path)/c/prog")
        #expect(ChildProcess.lookUp("prog", in: path.dropLast().joined(separator: ":")) == nil)
        let child = ChildProcess(executable: "sh", arguments: [], environment: ["PATH": "/nonexistent:/bin"],
                                 stdin: nil, timeout: nil, gracePeriod: .seconds(1))
        #expect(child.resolvedExecutable == "/bin/sh")
    }

    @Test func otherProgramsAreStillExeced() {
        let child = ChildProcess(executable: "ssh", arguments: ["-T", "host", "true"], environment: [:], stdin: nil,
                                 timeout: nil, gracePeriod: .seconds(1))
        #expect(child.gatedArguments == ["-c", ChildProcess.gate, "ssh", "-T", "host", "true"])
    }
}
