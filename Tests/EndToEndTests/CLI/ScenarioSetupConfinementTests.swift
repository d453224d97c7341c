import Foundation
import Testing
import TestSupport

/// A scenario's `setup` tools run in their host's sandbox, as a rehearsal's steps do: a tool that
/// runs a command (`ssh HOST CMD`) reaches only the simulated host's tree, never this machine.
@Suite("Scenario setup: confined to the host")
struct ScenarioSetupConfinementTests {
    /// A runbook that changes nothing: the scenarios here are about their setup.
    static func noop(in scratch: Scratch) throws -> String {
        try scratch.write("noop.yaml", "runbook: noop\nsteps:\n  - id: nothing\n    run: \"true\"\n")
    }

    @Test("ssh HOST 'echo … > FILE' in a setup writes in the simulated host's tree; a path of this machine is not reached")
    func setupStaysInTheHost() throws {
        let scratch = try Scratch()
        let runbook = try Self.noop(in: scratch)
        let escaped = scratch.path("escaped")
        let scenario = try scratch.write("confined.test.yaml", """
            scenario: setup confined
            runbook: \(runbook)
            setup:
              - { on: node-1.example.com, run: [ssh, node-1.example.com, "echo inside > /etc/confined"] }
              - { on: node-1.example.com, run: [ssh, node-1.example.com, "echo escaped > \(escaped)"] }
            expect: { exit: 0 }

            """)
        let result = try CLI.run(["test", scenario, "--keep"], environment: ["TMPDIR": scratch.path])
        // Before, the second line ran this machine's /bin/sh outside any sandbox: it wrote `escaped`
        // here and the scenario passed.
        #expect(!FileManager.default.fileExists(atPath: escaped))
        #expect(result.status == 1, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("FAIL setup confined (\(scenario), ") == true, "\(result.stdout)")
        #expect(lines.dropFirst().first == "  - \(scenario):5:5: setup: ssh node-1.example.com echo escaped > \(escaped) on node-1.example.com exited 2: /bin/sh: 1: cannot create \(escaped): Directory nonexistent")
        let work = try #require(try FileManager.default.contentsOfDirectory(atPath: scratch.path).first { $0.hasPrefix("runbook-test-") })
        let inside = scratch.path("\(work)/sim/hosts/node-1.example.com/root/etc/confined")
        #expect((try? String(contentsOfFile: inside, encoding: .utf8)) == "inside\n")
    }

    @Test("write: through a link in the host's tree whose target is absolute lands in the host's tree, not in this machine's")
    func writeFollowsLinksInsideTheHost() throws {
        let scratch = try Scratch()
        let runbook = try Self.noop(in: scratch)
        // The link's target is a directory of this machine that a write must never reach.
        let outside = scratch.path("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let scenario = try scratch.write("link.test.yaml", """
            scenario: write through a link
            runbook: \(runbook)
            setup:
              - { on: localhost, run: [sudo, /bin/ln, -s, \(outside), /tmp/up] }
              - { on: localhost, write: /tmp/up/marker, content: "x" }
            expect: { exit: 0 }

            """)
        let result = try CLI.run(["test", scenario, "--keep"], environment: ["TMPDIR": scratch.path])
        #expect(result.status == 0, "\(result)")
        // Before, the write followed the link out of the tree and wrote here.
        #expect(!FileManager.default.fileExists(atPath: outside + "/marker"))
        let work = try #require(try FileManager.default.contentsOfDirectory(atPath: scratch.path).first { $0.hasPrefix("runbook-test-") })
        let inside = scratch.path("\(work)/sim/hosts/localhost/root\(outside)/marker")
        #expect((try? String(contentsOfFile: inside, encoding: .utf8)) == "x")
    }

    @Test("a setup on a host the simulated cluster does not have fails the scenario naming the line and the host")
    func setupOnAnUnknownHost() throws {
        let scratch = try Scratch()
        let runbook = try Self.noop(in: scratch)
        let scenario = try scratch.write("unknown.test.yaml", """
            scenario: unknown host
            runbook: \(runbook)
            setup:
              - { on: nosuch.example.com, run: [hostname] }
            expect: { exit: 0 }

            """)
        let result = try CLI.run(["test", scenario], environment: ["TMPDIR": scratch.path])
        #expect(result.status == 1, "\(result)")
        let work = try #require(try FileManager.default.contentsOfDirectory(atPath: scratch.path).first { $0.hasPrefix("runbook-test-") })
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.dropFirst().first == "  - \(scenario):4:5: setup: hostname on nosuch.example.com: nosuch.example.com is not a host of the simulated cluster in \(scratch.path(work))/sim")
    }
}
