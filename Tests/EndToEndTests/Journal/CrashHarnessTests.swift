import Foundation
import Testing
import TestSupport

/// kill -9 the interpreter at random moments, resume until done: every step's effect happens
/// exactly once, no two copies of a step ever run at once, and the journal verifies after every kill;
/// every third run rolls back, and steps resumed with `--skip` are rolled back too; a changed
/// output file fails `audit verify`.
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
    static let runbook: String = text(undo: false)

    /// The rollback flavour (every third run): the same steps without `verify` but with a
    /// rollback each (appending to `<ledger>.undo` once, and registering in `.live` like the
    /// steps), and a last step `z` that always fails, so every run ends rolled back. A step in
    /// flight at a kill cannot be probed: the harness resumes with `--skip` for it (and
    /// `--rerun` for an in-flight rollback, which is idempotent), so skipped steps must be rolled
    /// back like the others.
    static let undoRunbook: String = text(undo: true)

    static func text(undo: Bool) -> String {
        var text = "runbook: crash-\(undo ? "undo" : "ledger")\nlock: ledger\nparams:\n  ledger: { type: string, required: true }\nsteps:\n"
        let needs: [String: String] = ["c": "[b]", "d": "[b]", "e": "[c, d]", "h": "[g]", "i": "[g]", "j": "[h, i]"]
        let live = "${{ params.ledger }}.live"
        func enter(_ id: String) -> String {
            "exec 9>>${{ params.ledger }}.lock; flock 9; grep -q '^\(id) ' \(live) && "
                + "cat \(live) >> ${{ params.ledger }}.twice; echo \(id) $$ >> \(live); flock -u 9; "
        }
        func leave(_ id: String) -> String { "; flock 9; sed -i '/^\(id) /d' \(live); flock -u 9" }
        for (n, id) in ids.enumerated() {
            let pause = n % 3 == 1 ? "sleep 0.02; " : ""
            let after = n % 4 == 2 ? "; sleep 0.01" : ""
            text += "  - id: \(id)\n"
            if let need = needs[id] { text += "    needs: \(need)\n" }
            // The one line of output (an output file for `audit verify` to cover) comes first: a
            // command that writes to the pipe of a killed `runbook` dies of SIGPIPE, and one that
            // died registered in `.live` would read as a second copy to the next one.
            text += "    run: \"echo out-\(id); \(enter(id))\(pause)echo \(id) >> ${{ params.ledger }}\(after)\(leave(id))\"\n"
            if undo {
                let undoFile = "${{ params.ledger }}.undo"
                text += "    rollback: \"\(enter(id))grep -qx \(id) \(undoFile) || echo \(id) >> \(undoFile)\(leave(id))\"\n"
            } else {
                text += "    verify: \"grep -qx \(id) ${{ params.ledger }}\"\n"
            }
        }
        if undo { text += "  - id: z\n    idempotent: true\n    run: \"echo z fails; exit 1\"\n" }
        return text
    }

    struct Tally {
        var kills = 0
        var rounds = 0
        var probedDone = 0
        var rollbackRuns = 0
        var skipped = 0
        var outputsTampered = 0
    }

    @Test("kill -9 at random moments, resume until done: each step's effect exactly once, never two copies at once, skipped steps rolled back, journal and output files verify")
    func crashAndResume() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = environment["CRASH_KILLS"].flatMap(Int.init) ?? 50
        let seed = environment["CRASH_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
        var random = SeededGenerator(seed: seed)
        let dir = try Scratch(prefix: "runbook-crash")
        defer { dir.remove() }
        let file = dir.path("ledger.yaml")
        try Self.runbook.write(toFile: file, atomically: true, encoding: .utf8)
        let undoFile = dir.path("undo.yaml")
        try Self.undoRunbook.write(toFile: undoFile, atomically: true, encoding: .utf8)

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
            let undo = tally.rounds % 3 == 0
            let one = try await round(tally.rounds, file: undo ? undoFile : file, undo: undo, dir: dir,
                                      random: &random, window: &window, seed: seed)
            tally.kills += one.kills
            tally.probedDone += one.probedDone
            tally.rollbackRuns += undo ? 1 : 0
            tally.skipped += one.skipped
            tally.outputsTampered += one.outputTampered ? 1 : 0
            if one.failed { break }
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(tally.kills >= target, "seed \(seed): only \(tally.kills) kills in \(tally.rounds) runs")
        #expect(tally.outputsTampered == tally.rounds, "seed \(seed): a changed output file went unnoticed")
        print("crash harness: seed \(seed), \(tally.kills) kills over \(tally.rounds) runs in \(String(format: "%.1f", seconds)) s; "
              + "\(tally.probedDone) in-flight steps found done by their verify; \(tally.rollbackRuns) runs rolled back, "
              + "\(tally.skipped) in-flight steps resumed with --skip and rolled back; "
              + "a changed output file failed audit verify in \(tally.outputsTampered) of \(tally.rounds) runs")
    }

    struct RoundResult {
        var kills = 0
        var probedDone = 0
        var skipped = 0
        var outputTampered = false
        var failed = false
    }

    /// One run from start to success, killed at random (`window` 0: never killed).
    func round(_ n: Int, file: String, undo: Bool = false, dir: Scratch, random: inout SeededGenerator,
               window: inout Double, seed: UInt64) async throws -> RoundResult {
        let state = dir.path("state\(n)")
        let ledger = dir.path("ledger\(n).txt")
        var result = RoundResult()
        func fail(_ what: String) {
            Issue.record("seed \(seed), run \(n), after \(result.kills) kills: \(what)")
            result.failed = true
        }
        // The operator's decisions for the next resume: `--skip` an in-flight step (it has no
        // verify), `--rerun` an in-flight rollback (idempotent).
        var decisions: [String] = []
        for attempt in 0..<40 {
            let run = onlyRun(in: state)
            let arguments = run.map { ["resume", $0, "--state-dir", state, "--output", "json"] + decisions }
                ?? ["run", file, "--param", "ledger=\(ledger)", "--state-dir", state, "--output", "json"]
            let decided = decisions
            decisions = []
            let child = try CLI.start(arguments)
            try await CrashKill.maybe(child, firstProcess: attempt == 0, window: &window, floor: 0.02, random: &random)
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
            if undo, decided.isEmpty, outcome.status == 2, let asked = Self.operatorDecisions(outcome.stderr) {
                decisions = asked.arguments
                result.skipped += asked.skipped
                continue
            }
            // Killed after `runFinished` was journaled but before it exited: the run is done.
            guard Self.endedAsExpected(outcome, undo: undo) else {
                fail("\(arguments[0]) exited \(outcome.status): \(outcome.stderr.suffix(2000))")
                return result
            }
            for problem in Self.ledgerProblems(ledger, undo: undo) { fail(problem) }
            guard let run = onlyRun(in: state) else {
                fail("no run directory")
                return result
            }
            let verify = try await CLI.start(["audit", "verify", run, "--state-dir", state]).wait()
            if verify.status != 0 { fail("audit verify at the end exited \(verify.status): \(verify.output)") }
            result.outputTampered = try await outputChangeIsCaught(run: run, state: state, fail: fail)
            let journal = (try? String(contentsOfFile: "\(state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? ""
            result.probedDone = journal.components(separatedBy: "its verify holds now").count - 1
            return result
        }
        fail("not done after 40 processes")
        return result
    }

    /// `audit verify` covers the output files: one byte appended to a saved output file fails it,
    /// naming the file; put back, it passes again. (The file of an attempt a kill cut short has
    /// no digest in the journal, so the file is taken from an `attemptFinished` line.)
    /// Resume's exit 2 in the rollback flavour names the in-flight steps and rollbacks it cannot
    /// decide; an operator answers `--skip` for a step (it is rolled back like the others) and
    /// `--rerun` for a rollback (they are idempotent). Nil when stderr asks nothing.
    static func operatorDecisions(_ stderr: String) -> (arguments: [String], skipped: Int)? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.contains("cannot tell whether these were done when the run stopped: ") })
        else { return nil }
        var arguments: [String] = [], skipped = 0
        for item in (line.components(separatedBy: "when the run stopped: ").last ?? "").components(separatedBy: ", ") {
            let rollback = item.hasSuffix(" (its rollback)")
            arguments += [rollback ? "--rerun" : "--skip", rollback ? String(item.dropLast(" (its rollback)".count)) : item]
            if !rollback { skipped += 1 }
        }
        return (arguments, skipped)
    }

    /// The run ended as its flavour must (succeeded; rolled back, exit 1), or was killed after
    /// its last line was journaled and the next process found it already ended.
    static func endedAsExpected(_ outcome: CLI.Outcome, undo: Bool) -> Bool {
        let endStatus = undo ? "rolledBack" : "succeeded"
        return outcome.status == (undo ? 1 : 0) || (outcome.status == 2 && outcome.stderr.contains("already ended (\(endStatus))"))
    }

    /// What is wrong with a finished run's ledgers: each step's effect once (in the rollback
    /// flavour: at most once, since a skipped step may not have written its line, and every step
    /// rolled back exactly once, skipped ones too), and never two copies of a step at once.
    static func ledgerProblems(_ ledger: String, undo: Bool) -> [String] {
        func lines(_ path: String) -> [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        var problems: [String] = []
        let done = lines(ledger)
        if undo {
            if Set(done).count != done.count || !Set(done).isSubset(of: ids) {
                problems.append("ledger is \(done), expected each of \(ids) at most once")
            }
            let undone = lines(ledger + ".undo")
            if undone.sorted() != ids { problems.append("rolled back \(undone), expected each of \(ids) once (skipped steps too)") }
        } else if done.sorted() != ids {
            problems.append("ledger is \(done), expected each of \(ids) once")
        }
        if let twice = try? String(contentsOfFile: ledger + ".twice", encoding: .utf8), !twice.isEmpty {
            problems.append("two copies of a step ran at once; registered then: \(twice)")
        }
        return problems
    }

    func outputChangeIsCaught(run: String, state: String, fail: (String) -> Void) async throws -> Bool {
        let journal = (try? String(contentsOfFile: "\(state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? ""
        let recorded = journal.split(separator: "\n").filter { $0.contains(#""event":"attemptFinished""#) }.compactMap { line in
            line.components(separatedBy: #""file":"output/"#).dropFirst().first?.components(separatedBy: "\"").first
        }
        guard let name = recorded.first else {
            fail("no output file recorded in the journal of \(run)")
            return false
        }
        let path = "\(state)/runs/\(run)/output/\(name)"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try (original + Data("x".utf8)).write(to: URL(fileURLWithPath: path))
        let changed = try await CLI.start(["audit", "verify", run, "--state-dir", state]).wait()
        try original.write(to: URL(fileURLWithPath: path))
        let again = try await CLI.start(["audit", "verify", run, "--state-dir", state]).wait()
        guard changed.status != 0, changed.output.contains(name) else {
            fail("audit verify with \(name) changed exited \(changed.status): \(changed.output)")
            return false
        }
        if again.status != 0 { fail("audit verify with \(name) put back exited \(again.status): \(again.output)") }
        return again.status == 0
    }
}
