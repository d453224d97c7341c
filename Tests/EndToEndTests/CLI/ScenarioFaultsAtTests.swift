import Foundation
import Testing

/// `faults_at` (a fault injected when a step starts, before its command runs) and the
/// `unchanged` cluster check of `runbook test`.
@Suite struct ScenarioFaultsAtTests {
    static let fixtures = ScenarioCLITests.fixtures

    /// The same `command-fails oc manage-node 1` fault: injected at list-pods it fails list-pods
    /// (the cordon before it ran untouched and is rolled back); injected before the run it fails
    /// the cordon. Each scenario's own expectations say so; both pass only with the right timing.
    @Test func aFaultAtAStepHitsThatStepNotTheOnesBefore() throws {
        let result = try CLI.run(["test", "faults-at.test.yaml", "faults-before.test.yaml", "--jobs", "1"], in: Self.fixtures)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines.first?.hasPrefix("PASS a fault injected at a step hits that step, not the ones before it (faults-at.test.yaml, ") == true)
        #expect(lines.dropFirst().first?.hasPrefix("PASS the same fault injected before the run hits the first step that matches (faults-before.test.yaml, ") == true)
        #expect(lines.last == "2 passed, 0 failed")
    }

    /// A scenario that fails names the expectation: faults_at at a step that never started (the
    /// drain fails first), and `unchanged` after a drain that went through.
    @Test(arguments: [
        ("faults-at-never.test.yaml", "  - faults-at-never.test.yaml:7:3: faults_at: step 'no-pods-left' never started, so its faults were not injected"),
        ("changed.test.yaml", "  - unchanged: expected the cluster as before the run, got changes: nodes; pods"),
    ])
    func aFailedScenarioNamesTheExpectation(file: String, failure: String) throws {
        let scratch = try Scratch()   // a failed scenario keeps its directory: in the scratch one
        let result = try CLI.run(["test", file], in: Self.fixtures, environment: ["TMPDIR": scratch.path])
        #expect(result.status == 1, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.dropFirst().first == failure, "\(result.stdout)")
    }

    /// `--hold-at` (what `faults_at` uses) waits for a line on stdin after a JSON progress line:
    /// with text progress nobody would read it, so it is refused.
    @Test func holdAtNeedsJSONProgress() throws {
        let scratch = try Scratch()
        let result = try CLI.run(["run", "runbooks/drain-node.yaml", "--param", "node=n", "--state-dir", scratch.path("s"),
                                  "--hold-at", "drain"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: --hold-at needs --output json\n"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("s")))
    }

    @Test func badFaultsAtAreRefusedWithPositions() throws {
        let scratch = try Scratch()
        let runbook = CLI.root.appendingPathComponent("runbooks/drain-node.yaml").path
        let file = try scratch.write("bad.test.yaml", """
            scenario: bad faults_at
            runbook: \(runbook)
            faults_at:
              drain: [drain-fails]
              list-pods: oops
              "": [unreachable node-1.example.com]
            expect:
              cluster:
                - { unchanged: false }
                - { unchanged: true, exept: [/backup] }

            """)
        let result = try CLI.run(["test", file])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            \(file):4:11: error: invalid fault: drain-fails takes one argument
            \(file):5:14: error: 'faults_at: list-pods' must be a list, found a string
            \(file):6:3: error: a step id must be a non-empty string, found a string
            \(file):9:20: error: 'unchanged' must be true (leave the check out otherwise)
            \(file):10:26: error: unknown key 'exept' in an 'unchanged' check (did you mean 'except'?)
            5 errors

            """)
    }

    @Test("setup grow_disk: bad entries are refused with positions; an unknown disk fails the scenario, naming it")
    func growDiskSetup() throws {
        let scratch = try Scratch()
        let runbook = CLI.root.appendingPathComponent("runbooks/drain-node.yaml").path
        let bad = try scratch.write("bad.test.yaml", """
            scenario: bad grow_disk
            runbook: \(runbook)
            setup:
              - { on: node-1.example.com, grow_disk: /dev/vdb, to_mib: lots }
              - { on: node-1.example.com, grow_disk: /dev/vdb, to_mb: 3 }
            expect: { exit: 0 }

            """)
        let refused = try CLI.run(["test", bad])
        #expect(refused.status == 2)
        #expect(refused.stderr == """
            \(bad):4:60: error: 'to_mib' must be a positive whole number of MiB
            \(bad):5:5: error: a grow_disk setup needs 'on' (a host), 'grow_disk' (the disk) and 'to_mib' (its new size)
            \(bad):5:52: error: unknown key 'to_mb' in a grow_disk setup (did you mean 'to_mib'?)
            3 errors

            """)
        let unknown = try scratch.write("unknown.test.yaml", """
            scenario: grow a disk that is not there
            runbook: \(runbook)
            params: { node: node-1.example.com }
            setup:
              - { on: node-1.example.com, grow_disk: /dev/vdz, to_mib: 30720 }
            expect: { exit: 0 }

            """)
        let failed = try CLI.run(["test", unknown, "--keep"], in: scratch.url)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("  - \(unknown):5:5: setup: grow_disk /dev/vdz on node-1.example.com: no disk '/dev/vdz' on 'node-1.example.com' in the simulated cluster\n"),
                "\(failed.output)")
    }

    @Test("a fault naming a host the cluster does not have fails the scenario at the fault's position")
    func faultOnUnknownHost() throws {
        let scratch = try Scratch()
        let runbook = CLI.root.appendingPathComponent("runbooks/drain-node.yaml").path
        let file = try scratch.write("ghost.test.yaml", """
            scenario: a fault on a host that is not there
            runbook: \(runbook)
            params: { node: node-1.example.com }
            faults:
              - unreachable ghost.example.com
            expect: { exit: 0 }

            """)
        let failed = try CLI.run(["test", file, "--keep"], in: scratch.url)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("  - \(file):5:5: fault unreachable ghost.example.com: no host 'ghost.example.com' in the simulated cluster\n"),
                "\(failed.output)")
    }
}
