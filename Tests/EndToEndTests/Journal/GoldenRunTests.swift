import Foundation
import Testing

/// The journal, `runbook status`, `runbook audit` and `runbook audit verify` of one small fixed
/// run through the built binary, compared with the reviewed files in Tests/Golden/run/ after the
/// documented `Normaliser` (run id, times, durations, hashes, pids, the scratch directory).
/// `RUNBOOK_RECORD_GOLDEN=1 swift test --filter GoldenRunTests` records them (and fails until
/// they are reviewed and the tests run again without the variable).
@Suite struct GoldenRunTests {
    static let runbook = """
        runbook: golden-run
        description: a small fixed run for the golden journal, status and audit files
        params:
          who: { type: string, default: world }
          loud: { type: bool, default: false }
        steps:
          - id: greet
            run: echo hello ${{ params.who }}
          - id: shout
            when: params.loud
            run: echo HELLO
          - id: count
            run: printf 'one\\ntwo\\n'
            capture:
              first: { regex: '^(\\w+)$' }
          - id: report
            run: echo first ${{ steps.count.outputs.first }} >&2
        """

    /// One run of the fixed runbook in a fresh state directory; the run id and the normaliser.
    struct FixedRun {
        let scratch: Scratch
        let run: String
        let normalise: Normaliser
        var state: String { scratch.path("state") }

        init() throws {
            scratch = try Scratch(prefix: "golden-run")
            let file = try scratch.write("golden-run.yaml", GoldenRunTests.runbook)
            let outcome = try CLI.run(["run", file, "--state-dir", scratch.path("state"), "--operator", "tester@ops", "--param", "who=golden"])
            guard outcome.status == 0 else { throw Failed(outcome: outcome) }
            let runs = try FileManager.default.contentsOfDirectory(atPath: scratch.path("state") + "/runs").filter { !$0.hasPrefix(".") }
            guard runs.count == 1, let run = runs.first else { throw Failed(outcome: outcome) }
            self.run = run
            normalise = Normaliser([(scratch.path, "<scratch>"), (run, "<run>")])
        }

        struct Failed: Error, CustomStringConvertible {
            let outcome: CLI.Outcome
            var description: String { "the fixed run did not succeed with one run directory: \(outcome)" }
        }

        /// `runbook ARGS RUN --state-dir STATE`, which must exit 0 and print nothing on stderr.
        func show(_ arguments: [String]) throws -> String {
            let outcome = try CLI.run(arguments + [run, "--state-dir", state])
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stderr == "")
            return normalise(outcome.stdout)
        }
    }

    @Test func journalMatchesTheGoldenFile() throws {
        let fixed = try FixedRun()
        let journal = try String(contentsOfFile: "\(fixed.state)/runs/\(fixed.run)/journal.jsonl", encoding: .utf8)
        try Golden.check(fixed.normalise(journal), named: "run/journal.jsonl")
    }

    @Test func statusMatchesTheGoldenFile() throws {
        let fixed = try FixedRun()
        try Golden.check(try fixed.show(["status"]), named: "run/status.txt")
    }

    @Test func auditMatchesTheGoldenFile() throws {
        let fixed = try FixedRun()
        try Golden.check(try fixed.show(["audit"]), named: "run/audit.txt")
    }

    @Test func auditJSONMatchesTheGoldenFile() throws {
        let fixed = try FixedRun()
        try Golden.check(try fixed.show(["audit", "--output", "json"]), named: "run/audit.json")
    }

    @Test func auditVerifyMatchesTheGoldenFile() throws {
        let fixed = try FixedRun()
        try Golden.check(try fixed.show(["audit", "verify"]), named: "run/audit-verify.txt")
    }
}
