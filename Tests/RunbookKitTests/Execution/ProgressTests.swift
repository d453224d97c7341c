import Foundation
import Testing
import RunbookCore
import RunbookEngine
import RunbookTerminal
import TestSupport

/// Collects written text.
final class Collected: @unchecked Sendable {
    private let lock = NSLockLike()
    private var text = ""
    func append(_ s: String) { lock.locked { text += s } }
    var value: String { lock.locked { text } }
    /// Lines without their `HH:MM:SS ` prefix.
    var lines: [String] { value.split(separator: "\n").map { String($0.dropFirst(9)) } }
}

@Suite("Progress views")
struct ProgressTests {
    static let outcome = RunOutcome(status: .rollbackFailed, state: RunState(), failedStep: "drain@m0",
                                    reason: "exit 1", leftForHuman: ["cordon@m0: oc adm manage-node m0 --schedulable=true"])

    @Test("plain lines: start, success, failure, and the list left for a human (ASCII, no colour)")
    func plainASCII() async {
        let out = Collected()
        let progress = PlainProgress(style: ProgressStyle(colour: false, unicode: false), write: { out.append($0) })
        await progress.report(RunEvent(.stepStarted, step: "drain@m0", host: "m0", command: "oc adm drain 'm0'"))
        await progress.report(RunEvent(.attemptFinished, step: "drain@m0", attempt: 1, status: .exited(1)))
        await progress.report(RunEvent(.stepFailed, step: "drain@m0", message: "exit 1"))
        await progress.report(RunEvent(.stepSkipped, step: "x", message: "when is false: ${{ params.f }}"))
        await progress.finish(Self.outcome)

        #expect(out.lines.count == 6)
        #expect(out.lines[0] == "> drain@m0 oc adm drain 'm0'")
        #expect(out.lines[1] == "  retry drain@m0 attempt 1: exit 1")
        #expect(out.lines[2].hasPrefix("FAIL drain@m0 (0.0s): exit 1"))
        #expect(out.lines[3] == "skip x skipped: when is false: ${{ params.f }}")
        #expect(out.lines[4] == "FAIL failed at drain@m0: exit 1; ROLLBACK INCOMPLETE — left for a human:")
        #expect(out.lines[5] == "  - cordon@m0: oc adm manage-node m0 --schedulable=true")
        #expect(out.value.split(separator: "\n").allSatisfy { (try? Regex(#"\d\d:\d\d:\d\d "#).wholeMatch(in: String($0.prefix(9)))) != nil })
    }

    @Test("NO_COLOR and a non-UTF-8 locale are respected; a UTF-8 terminal gets symbols and colour")
    func styleDetection() {
        #expect(ProgressStyle.detect(isTerminal: true, environment: ["NO_COLOR": "1", "LANG": "C"])
            == ProgressStyle(colour: false, unicode: false))
        #expect(ProgressStyle.detect(isTerminal: true, environment: ["LANG": "en_US.UTF-8"])
            == ProgressStyle(colour: true, unicode: true))
        #expect(ProgressStyle.detect(isTerminal: false, environment: ["LANG": "en_US.UTF-8"])
            == ProgressStyle(colour: false, unicode: true))
    }

    @Test("JSON output: one object per line, events flat with a time, then the outcome")
    func jsonLines() async throws {
        let out = Collected()
        let progress = JSONProgress(write: { out.append($0) })
        await progress.report(RunEvent(.stepSucceeded, step: "a", outputs: ["v": .string("1")]))
        await progress.finish(Self.outcome)
        let lines = out.value.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["event"] as? String == "stepSucceeded")
        #expect(first["step"] as? String == "a")
        #expect(first["ts"] is String)
        let last = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(last["event"] as? String == "outcome")
        #expect(last["exitCode"] as? Int == 3)
        #expect(last["leftForHuman"] as? [String] == Self.outcome.leftForHuman)
    }

    @Test("JSON output with holdAt: a held step's start is written, then released before report returns; other events are not held")
    func jsonHoldAt() async throws {
        let out = Collected()
        let releases = Collected()
        let progress = JSONProgress(write: { out.append($0) }, holdAt: ["drain", "list@m1"],
                                    release: { releases.append("released after \(out.value.split(separator: "\n").count) lines;") })
        await progress.report(RunEvent(.stepStarted, step: "cordon@m0", host: "m0"))
        await progress.report(RunEvent(.stepStarted, step: "drain@m0", host: "m0"))
        await progress.report(RunEvent(.stepSucceeded, step: "drain@m0", host: "m0"))
        await progress.report(RunEvent(.stepStarted, step: "list@m0", host: "m0"))
        await progress.report(RunEvent(.stepStarted, step: "list@m1", host: "m1"))
        #expect(releases.value == "released after 2 lines;released after 5 lines;")
    }

    @Test("a JSON progress line is the journal line of the same event without the chain fields, byte for byte")
    func jsonLineIsTheJournalLine() async throws {
        let out = Collected()
        let progress = JSONProgress(write: { out.append($0) }, clock: { 1_790_000_000_123 })
        let event = RunEvent(.attemptFinished, step: "drain@m0", host: "m0", attempt: 2, command: "oc adm drain 'm0'",
                             status: .exited(1), durationMilliseconds: 42,
                             stdout: OutputDigest(bytes: 3, sha256: "abc", file: "out/1"), outputs: ["n": .list([.int(1)])],
                             message: "quote \" and \n newline")
        await progress.report(event)
        let record = JournalRecord(sequence: 7, timestamp: JournalClock.rfc3339(milliseconds: 1_790_000_000_123),
                                   run: "R", operatorName: "op", event: event, previousHash: JournalRecord.genesisHash)
        let journal = String(decoding: JournalLineEncoder.encode(record), as: UTF8.self)
        let progressLine = String(out.value.dropLast())
        #expect(out.value.hasSuffix("\n"))
        // Journal: {"v","seq","ts","run","operator",<event fields>,"prev"}; progress: {"ts",<event fields>}.
        let fields = try #require(journal.range(of: ",\"event\":")).lowerBound
        let prev = try #require(journal.range(of: ",\"prev\":")).lowerBound
        #expect(progressLine == "{\"ts\":\"\(record.timestamp)\"" + journal[fields..<prev] + "}")
        #expect(progressLine.contains("\"durationMs\":42"))
        #expect(!progressLine.contains("\"kind\""))
    }

    @Test("the live view shows running steps with their last output line and clears them when done")
    func liveBlock() async {
        let out = Collected()
        let progress = LiveProgress(style: ProgressStyle(colour: false, unicode: true), columns: 80,
                                    write: { out.append($0) })
        await progress.report(RunEvent(.stepStarted, step: "drain@m0", host: "m0", command: "oc adm drain m0"))
        await progress.output(step: "drain@m0", stream: .stdout, bytes: Array("evicting pod a\nevicting pod b\npart".utf8))
        await progress.report(RunEvent(.attemptStarted, step: "drain@m0", attempt: 1, message: "run"))
        #expect(out.value.contains("▶ drain@m0 [m0] attempt 1 0.0s │ evicting pod b\n"))
        await progress.report(RunEvent(.stepSucceeded, step: "drain@m0"))
        await progress.finish(RunOutcome(status: .succeeded, state: RunState()))
        #expect(out.value.contains("✔ drain@m0"))
        #expect(out.value.hasSuffix("✔ done\n"))
    }
}

@Suite("Signal watcher")
struct SignalWatcherTests {
    @Test("the first signal interrupts, a second SIGINT force-kills, a second SIGTERM does nothing more")
    func counting() {
        let interrupts = Collected()
        let kills = Collected()
        let watcher = SignalWatcher(onInterrupt: { interrupts.append("\($0) ") }, onForceKill: { kills.append("k") })
        watcher.deliver(SIGTERM)
        watcher.deliver(SIGTERM)
        #expect(interrupts.value == "\(SIGTERM) ")
        #expect(kills.value == "")
        watcher.deliver(SIGINT)
        #expect(kills.value == "k")
    }

    @Test("a real SIGTERM to this process reaches the handler instead of killing it")
    func realSignal() async {
        let interrupts = Collected()
        let watcher = SignalWatcher(onInterrupt: { interrupts.append("\($0)") }, onForceKill: {})
        watcher.start()
        kill(getpid(), SIGTERM)
        for _ in 0..<500 where interrupts.value.isEmpty { try? await Task.sleep(for: .milliseconds(10)) }
        watcher.stop()
        #expect(interrupts.value == "\(SIGTERM)")
    }
}
