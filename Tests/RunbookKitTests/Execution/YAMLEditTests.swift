import Foundation
import RunbookCore
import Testing
import TestSupport

/// An edit of a `.yaml`/`.yml` file must leave one valid YAML document: otherwise the step fails
/// before the file is written (decommission-master's etcdClientInfo change is checked before any
/// master restart reads it).
@Suite("edits of YAML files are validated before they are written")
struct YAMLEditTests {
    static let config = "etcdClientInfo:\n  urls:\n  - https://m0:2379\n  - https://m1:2379\nkubeletClientInfo:\n  port: 10250\n"

    @Test("an edit that breaks the YAML fails the step; the file keeps its bytes")
    func brokenEditRefused() async throws {
        let h = try EngineHarness()
        try Self.config.write(toFile: h.path("master-config.yaml"), atomically: true, encoding: .utf8)
        let breaking = Runbook.test([
            .test("urls", .file(.edit(path: .test(h.path("master-config.yaml")), edits: [
                .replace(pattern: .test("^  - https://m1:2379$"), with: .test("  - [https://m1:2379")),
            ]))),
        ])
        let failed = await h.engine(breaking).run()
        #expect([.rolledBack, .failed].contains(failed.status))
        let reason = try #require(failed.reason)
        #expect(reason.hasPrefix("edit: \(h.path("master-config.yaml")): the edited file is not valid YAML (line "), "\(reason)")
        #expect(reason.hasSuffix("); nothing was written"), "\(reason)")
        #expect(h.read("master-config.yaml") == Self.config)
    }

    @Test("a valid edit of a YAML file is written; other files are not parsed")
    func validEditWritten() async throws {
        let h = try EngineHarness()
        try Self.config.write(toFile: h.path("master-config.yaml"), atomically: true, encoding: .utf8)
        try "a: [\n".write(toFile: h.path("notes.txt"), atomically: true, encoding: .utf8)
        let runbook = Runbook.test([
            .test("urls", .file(.edit(path: .test(h.path("master-config.yaml")), edits: [
                .deleteLines(matching: .test("^\\s*-\\s*https://m1:2379\\s*$")),
            ]))),
            .test("notes", .file(.edit(path: .test(h.path("notes.txt")), edits: [
                .ensureLine(.test("b: ["), after: nil),
            ]))),
        ])
        let done = await h.engine(runbook).run()
        #expect(done.status == .succeeded)
        #expect(h.read("master-config.yaml") == Self.config.replacingOccurrences(of: "  - https://m1:2379\n", with: ""))
        #expect(h.read("notes.txt") == "a: [\nb: [\n")
    }

    @Test("the YAML check names libyaml's position")
    func problemText() {
        #expect(FileEdits.yamlProblem(Self.config) == nil)
        let problem = FileEdits.yamlProblem("a:\n  - x\n  b: 1\n")
        #expect(problem?.hasPrefix("line 3, column ") == true, "\(problem ?? "nil")")
    }

    @Test("plan shows the diff and says the edit would fail, with libyaml's position, as run would")
    func planSaysItWouldFail() throws {
        let scratch = try Scratch()
        let config = try scratch.write("master-config.yaml", Self.config)
        let file = try scratch.write("rb.yaml", """
            runbook: yaml-edit
            steps:
              - id: urls
                edit:
                  path: \(config)
                  changes:
                    - replace: { pattern: '^  - https://m1:2379$', with: '  - [https://m1:2379' }

            """)
        let plan = try CLI.run(["plan", file])
        #expect(plan.status == 0, "\(plan.output)")
        #expect(plan.stdout.contains("      +  - [https://m1:2379\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains(
            "      (would fail: the edited file is not valid YAML: line 5, column 18: invalid YAML: did not find expected ',' or ']')\n"),
                "\(plan.stdout)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == Self.config)
    }
}
