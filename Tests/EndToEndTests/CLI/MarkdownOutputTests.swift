import Foundation
import Testing

/// `plan --output markdown` and `audit RUN --output markdown`, for change tickets, compared with
/// reviewed golden files in Tests/Golden/markdown (record with RUNBOOK_RECORD_GOLDEN=1, like every golden file).
@Suite struct MarkdownOutputTests {
    static let goldenDirectory = CLI.root.appendingPathComponent("Tests/Golden/markdown")

    @Test func planOfDrainNodeMatchesTheGoldenFile() throws {
        let result = try CLI.run(["plan", "runbooks/drain-node.yaml", "--inventory", "examples/inventory.yaml",
                                  "--param", "node=node-1.example.com", "--param", "delete_local_data=true",
                                  "--output", "markdown"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        try Self.compare(result.stdout, golden: "drain-node.plan.md")
    }

    @Test func auditOfASmallRunMatchesTheGoldenFile() throws {
        let scratch = try Scratch()
        let runbook = try scratch.write("small.yaml", """
            runbook: small
            title: A small run | with a pipe
            steps:
              - id: hello
                run: echo 'hello `world`'
                idempotent: true
              - id: check
                check: { run: "true" }

            """)
        let state = scratch.path("state")
        let run = try CLI.run(["run", runbook, "--state-dir", state, "--operator", "alice", "--yes"])
        #expect(run.status == 0, "\(run)")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: state + "/runs").first { !$0.hasPrefix(".") })
        let result = try CLI.run(["audit", id, "--state-dir", state, "--output", "markdown"])
        #expect(result.status == 0, "\(result)")
        let normalised = Normaliser([(id, "<run>"), (scratch.url.path, "<scratch>")])(result.stdout)
        try Self.compare(normalised, golden: "small.audit.md")
    }

    @Test func markdownIsRefusedWhereItIsNotOffered() throws {
        let result = try CLI.run(["validate", "runbooks/drain-node.yaml", "--output", "markdown"])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("--output markdown is not available for validate (choose text or json)"))
    }

    static func compare(_ actual: String, golden name: String) throws {
        try Golden.check(actual, file: goldenDirectory.appendingPathComponent(name))
    }
}
