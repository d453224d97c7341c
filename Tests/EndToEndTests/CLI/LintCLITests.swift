import Foundation
import Testing

/// `runbook lint`: each rule on a fixture with its exact position, disable comments, exit codes.
@Suite struct LintCLITests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/Fixtures/lint")

    @Test func everyRuleIsFlaggedWithItsPosition() throws {
        let result = try CLI.run(["lint", "risky.yaml"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            risky.yaml:7:5: warning: step 'restart' changes state but has no rollback, verify or idempotent [no-undo]
              hint: add a rollback, a verify (resume probes it), or idempotent: true if running it twice is safe
            risky.yaml:10:9: warning: step 'restart' changes every host of group 'masters' at once (no max_parallel) [group-without-max-parallel]
              hint: add max_parallel: 1 (or a small number) to roll through the group
            risky.yaml:12:5: warning: step 'config' edits a file without a verify [edit-without-verify]
              hint: add a verify that checks the edited file says what it should
            risky.yaml:24:12: warning: step 'token-valid' renders secret param 'token' into a command whose line and output are printed [secret-in-check]
              hint: pass the secret in a run step, or read it from a file on the host
            risky.yaml:25:5: warning: step 'untitled' has no source or title in a runbook that declares its source [missing-source]
              hint: name the guide section in source and say what the step does in title
            5 warnings

            """)
    }

    @Test func theShippedRunbooksAreLintCleanOrCarryJustifiedDisables() throws {
        let runbooks = try FileManager.default.contentsOfDirectory(atPath: CLI.root.appendingPathComponent("runbooks").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "runbooks/\($0)" }
        let result = try CLI.run(["lint", "--strict"] + runbooks + ["examples/custom/hello-maintenance.yaml", "examples/custom/tidy-logs.yaml"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        // Every disable says why, in parentheses after the rule.
        for file in runbooks {
            let text = try String(contentsOfFile: CLI.root.appendingPathComponent(file).path, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("runbook-lint: disable=") {
                #expect(line.contains("disable=") && line.contains(" ("), "\(file): a disable without a reason: \(line)")
            }
        }
    }

    @Test func strictExitsOneOnWarnings() throws {
        #expect(try CLI.run(["lint", "risky.yaml", "--strict"], in: Self.fixtures).status == 1)
        #expect(try CLI.run(["lint", "disabled.yaml", "--strict"], in: Self.fixtures).status == 0)
    }

    @Test func disableCommentsSilenceExactlyTheNamedRules() throws {
        let result = try CLI.run(["lint", "disabled.yaml"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout == "ok: disabled.yaml (no warnings)\n")
        #expect(result.stderr == "")
    }

    @Test func jsonListsEachWarningWithRuleAndPosition() throws {
        let result = try CLI.run(["lint", "risky.yaml", "--output", "json"], in: Self.fixtures)
        #expect(result.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 5)
        #expect(items.map { $0["severity"] as? String } == Array(repeating: "warning", count: 5))
        #expect(items.first?["line"] as? Int == 7)
        #expect((items.first?["message"] as? String)?.hasSuffix("[no-undo]") == true)
    }

    @Test func anInvalidRunbookIsReportedLikeValidateWithExitTwo() throws {
        let scratch = try Scratch()
        let file = try scratch.write("bad.yaml", "runbook: x\nsteps: [{id: a, run: true, rollbak: x}]\n")
        let result = try CLI.run(["lint", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file):2:"))
        #expect(result.stderr.contains("error: unknown key 'rollbak'"))
    }

    @Test func theGroupRuleReadsGroupsFromTheInventory() throws {
        let scratch = try Scratch()
        let inventory = try scratch.write("hosts", "[masters]\nmaster-0.example.com\n[db]\ndb-0.example.com\n")
        let runbook = try scratch.write("r.yaml", """
            runbook: r
            steps:
              - id: on-db
                on: db
                run: "true"
                idempotent: true
              - id: on-masters-by-name
                on: master-0.example.com
                run: "true"
                idempotent: true

            """)
        let result = try CLI.run(["lint", runbook, "--inventory", inventory])
        #expect(result.status == 0)
        #expect(result.stderr == """
            \(runbook):4:9: warning: step 'on-db' changes every host of group 'db' at once (no max_parallel) [group-without-max-parallel]
              hint: add max_parallel: 1 (or a small number) to roll through the group
            1 warning

            """)
    }
}
