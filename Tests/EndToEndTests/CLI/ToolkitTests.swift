import Foundation
import Testing

/// The test toolkit itself (Tests/TestSupport): the binary runner keeps the streams apart and
/// reports signals, a missing binary fails, a recording golden check never passes, and the
/// normaliser's rules do what its documentation says.
@Suite struct ToolkitTests {
    @Test func outcomeKeepsStatusStdoutAndStderrApart() throws {
        let outcome = try CLI.run(["-c", "echo out; echo err >&2; exit 3"], program: .executable("/bin/sh"))
        #expect(outcome.status == 3)
        #expect(outcome.signal == nil)
        #expect(outcome.stdout == "out\n")
        #expect(outcome.stderr == "err\n")
    }

    @Test func aKilledChildReportsItsSignal() async throws {
        let child = try CLI.start(["-c", "echo ready; exec sleep 1000"], program: .executable("/bin/sh"))
        #expect(await eventually { child.outputSoFar == "ready\n" })
        child.send(SIGKILL)
        let outcome = await child.wait()
        #expect(outcome.signal == SIGKILL)
        #expect(outcome.status == 128 + SIGKILL)
        #expect(outcome.stdout == "ready\n")
        #expect(!child.isRunning)
    }

    @Test func theChildGetsNoColourUnlessTheTestAllowsIt() throws {
        let script = ["-c", #"printf '%s|%s' "${NO_COLOR-unset}" "${EXTRA-unset}""#]
        #expect(try CLI.run(script, program: .executable("/bin/sh")).stdout == "1|unset")
        #expect(try CLI.run(script, environment: ["NO_COLOR": "", "EXTRA": "x"], program: .executable("/bin/sh")).stdout == "|x")
    }

    @Test func aMissingBinaryFailsInsteadOfSkipping() throws {
        #expect(throws: CLI.Missing.self) { try CLI.run(["--help"], program: .executable("/nonexistent/runbook")) }
        #expect(throws: CLI.Missing.self) { try CLI.start(["--help"], program: .executable("/nonexistent/runbook")) }
    }

    @Test func aRecordingGoldenCheckWritesTheFileAndFails() throws {
        let scratch = try Scratch(prefix: "golden")
        let file = scratch.url.appendingPathComponent("sub/out.txt")
        do {
            try Golden.check("a\nb\n", file: file, recording: true)
            Issue.record("a recording check passed")
        } catch let failure as Golden.Failure {
            #expect(failure.description == "recorded \(file.path) (2 lines): review and re-run without RUNBOOK_RECORD_GOLDEN=1")
        }
        #expect(try scratch.read("sub/out.txt") == "a\nb\n")
        try Golden.check("a\nb\n", file: file, recording: false)
    }

    @Test func aGoldenCheckNamesTheFirstDifferenceOrTheMissingFile() throws {
        let scratch = try Scratch(prefix: "golden")
        let file = try scratch.write("out.txt", "a\nb\nc\n")
        do {
            try Golden.check("a\nB\nc\n", file: URL(fileURLWithPath: file), recording: false)
            Issue.record("a differing text passed")
        } catch {
            #expect("\(error)" == #"differs from \#(file) (record with RUNBOOK_RECORD_GOLDEN=1 if the change is intended): line 2: got "B", golden "b""#)
        }
        do {
            try Golden.check("x", file: scratch.url.appendingPathComponent("none.txt"), recording: false)
            Issue.record("a missing golden file passed")
        } catch {
            #expect("\(error)" == "no golden file \(scratch.path)/none.txt: record it with RUNBOOK_RECORD_GOLDEN=1, review it, and re-run")
        }
    }

    @Test func theNormaliserReplacesWhatChangesBetweenRuns() {
        let normalise = Normaliser([("/tmp/golden-run-AbC123", "<scratch>")])
        let line = #"{"v":1,"seq":2,"ts":"2026-11-27T20:00:00.012Z","run":"20261127-200000-drain-node-1a2b","event":"attemptFinished","#
            + #""status":"exit 0","durationMs":1534,"stdout":{"bytes":6,"sha256":"\#(String(repeating: "ab", count: 32))","#
            + #""file":"output/a.1.run.stdout"},"pid":4242,"prev":"\#(String(repeating: "0", count: 64))"}"#
        #expect(normalise(line) == #"{"v":1,"seq":2,"ts":"<time>","run":"<run-id>","event":"attemptFinished","#
            + #""status":"exit 0","durationMs":<ms>,"stdout":{"bytes":6,"sha256":"<sha256>","#
            + #""file":"output/a.1.run.stdout"},"pid":<pid>,"prev":"\#(String(repeating: "0", count: 64))"}"#)
        #expect(normalise("20:00:01.5  greet  exit 0  1.5s  (pid 77) in /tmp/golden-run-AbC123/state, 12ms")
                == "<clock>  greet  exit 0  <duration>  (pid <pid>) in <scratch>/state, <duration>")
        #expect(normalise("node-1 v3.11 step2 2 steps") == "node-1 v3.11 step2 2 steps")
    }
}
