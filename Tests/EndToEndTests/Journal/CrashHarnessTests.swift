import Foundation
import Testing
import TestSupport

/// kill -9 the interpreter at random moments, resume until done: every step's effect happens
/// exactly once, no two copies of a step ever run at once, and the journal verifies after every kill.
///
/// `CRASH_KILLS` sets how many kills (default 50; bench/crash.sh runs 500) and `CRASH_SEED`
/// replays a sequence (the seed is printed on failure).
@Suite("crash harness (binary)")
struct CrashHarnessTests {
    static let ids = (0..<12).map { String(UnicodeScalar(UInt8(97 + $0))) }

    /// 12 steps appending their id to the ledger, each with a verify; c and d (and h and i) run in
    /// parallel; short sleeps widen the window between the append and `stepSucceeded`. The lock
    /// scope checks that a killed holder never blocks the resume. Each step registers its id and
    /// pid in `<ledger>.live` under `flock` while it runs and notes in `<ledger>.twice` any step
    /// it finds registered already: the commands of a killed run go on, and the resume must wait
    /// for them before it starts that step again.
    static let runbook: String = {
        var text = "runbook: crash-ledger\nlock: ledger\nparams:\n  ledger: { type: string, required: true }\nsteps:\n"
        let needs: [String: String] = ["c": "[b]", "d": "[b]", "e": "[c, d]", "h": "[g]", "i": "[g]", "j": "[h, i]"]
        for (n, id) in ids.enumerated() {
            let pause = n % 3 == 1 ? "sleep 0.02; " : ""
            let after = n % 4 == 2 ? "; sleep 0.01" : ""
            text += "  - id: \(id)\n"
            if let need = needs[id] { text += "    needs: \(need)\n" }
            let live = "${{ params.ledger }}.live"
            let enter = "exec 9>>${{ params.ledger }}.lock; flock 9; grep -q '^\(id) ' \(live) && "
                + "cat \(live) >> ${{ params.ledger }}.twice; echo \(id) $$ >> \(live); flock -u 9; "
            let leave = "; flock 9; sed -i '/^\(id) /d' \(live); flock -u 9"
            text += "    run: \"\(enter)\(pause)echo \(id) >> ${{ params.ledger }}\(after)\(leave)\"\n"
            text += "    verify: \"grep -qx \(id) ${{ params.ledger }}\"\n"
        }
        return text
    }()

    struct Tally {
        var kills = 0
        var rounds = 0
        var probedDone = 0
    }

    @Test("kill -9 at random moments, resume until done: each step's effect exactly once, never two copies at once, journal verifies")
    func crashAndResume() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = environment["CRASH_KILLS"].flatMap(Int.init) ?? 50
        let seed = environment["CRASH_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
        var random = SeededGenerator(seed: seed)
        let dir = try Scratch(prefix: "runbook-crash")
        defer { dir.remove() }
        let file = dir.path("ledger.yaml")
        try Self.runbook.write(toFile: file, atomically: true, encoding: .utf8)

        // One undisturbed run sets the window the kills are drawn from.
        let clean = Date()
        var window = 0.0
        let baseline = try await round(0, file: file, dir: dir, random: &random, window: &window, seed: seed)
        #expect(baseline.kills == 0)
        // Adapts as it goes (see `round`), so a slow first run under load does not leave every
        // later kill landing after the process already exited.
        window = max(0.05, Date().timeIntervalSince(clean)) * 1.2

        var tally = Tally()
        let started = Date()
        while tally.kills < target, tally.rounds < target * 4 {
            tally.rounds += 1
            let one = try await round(tally.rounds, file: file, dir: dir, random: &random, window: &window, seed: seed)
            tally.kills += one.kills
            tally.probedDone += one.probedDone
            if one.failed { break }
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(tally.kills >= target, "seed \(seed): only \(tally.kills) kills in \(tally.rounds) runs")
        print("crash harness: seed \(seed), \(tally.kills) kills over \(tally.rounds) runs in \(String(format: "%.1f", seconds)) s; \(tally.probedDone) in-flight steps found done by their verify")
    }

    struct RoundResult {
        var kills = 0
        var probedDone = 0
        var failed = false
    }

    /// One run from start to success, killed at random (`window` 0: never killed).
    func round(_ n: Int, file: String, dir: Scratch, random: inout SeededGenerator, window: inout Double,
               seed: UInt64) async throws -> RoundResult {
        let state = dir.path("state\(n)")
        let ledger = dir.path("ledger\(n).txt")
        var result = RoundResult()
        func fail(_ what: String) {
            Issue.record("seed \(seed), run \(n), after \(result.kills) kills: \(what)")
            result.failed = true
        }
        for attempt in 0..<40 {
            let run = onlyRun(in: state)
            let arguments = run.map { ["resume", $0, "--state-dir", state, "--output", "json"] }
                ?? ["run", file, "--param", "ledger=\(ledger)", "--state-dir", state, "--output", "json"]
            let child = try CLI.start(arguments)
            // The first process of a round is always killed; each resume with a probability of 2/3.
            if window > 0, attempt == 0 || Int.random(in: 0..<3, using: &random) > 0 {
                // A resume has less left to do than a fresh run: draw from a shorter window.
                let span = attempt == 0 ? window : window * 0.6
                let deadline = Date().addingTimeInterval(Double.random(in: 0...span, using: &random))
                while child.process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
                if child.process.isRunning {
                    child.send(SIGKILL)
                    window *= 1.05
                } else {
                    window = max(0.02, window * 0.8)
                }
            }
            let outcome = await child.wait()
            if outcome.signal != nil {
                result.kills += 1
                // The killed interpreter's step commands run on (they are in their own process
                // group, as on a remote host): the next resume must wait for them.
                if let run = onlyRun(in: state) {
                    let verify = try await CLI.start(["audit", "verify", run, "--state-dir", state]).wait()
                    if verify.status != 0 { fail("audit verify after a kill exited \(verify.status): \(verify.output)") }
                }
                if result.failed { return result }
                continue
            }
            // Killed after `runFinished` was journaled but before it exited: the run is done.
            let endedBeforeExit = outcome.status == 2 && outcome.stderr.contains("already ended (succeeded)")
            guard outcome.status == 0 || endedBeforeExit else {
                fail("\(arguments[0]) exited \(outcome.status): \(outcome.stderr.suffix(2000))")
                return result
            }
            let lines = ((try? String(contentsOfFile: ledger, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.sorted() != Self.ids { fail("ledger is \(lines), expected each of \(Self.ids) once") }
            if let twice = try? String(contentsOfFile: ledger + ".twice", encoding: .utf8), !twice.isEmpty {
                fail("two copies of a step ran at once; registered then: \(twice)")
            }
            guard let run = onlyRun(in: state) else {
                fail("no run directory")
                return result
            }
            let verify = try await CLI.start(["audit", "verify", run, "--state-dir", state]).wait()
            if verify.status != 0 { fail("audit verify at the end exited \(verify.status): \(verify.output)") }
            let journal = (try? String(contentsOfFile: "\(state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? ""
            result.probedDone = journal.components(separatedBy: "its verify holds now").count - 1
            return result
        }
        fail("not done after 40 processes")
        return result
    }
}
