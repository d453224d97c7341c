import Foundation
import Testing
import TestSupport

/// `--sim` runs every simulated step in a bubblewrap sandbox whose `/` is the simulated host's
/// tree: builtins, redirections and unshimmed commands cannot reach the real machine.
@Suite("hermetic rehearsal (binary)")
struct HermeticRehearsalTests {
    @Test("writes to /etc, rm -rf of a real path and connections to a real listener stay in the simulated host")
    func simulatedStepsTouchOnlyTheirHost() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let marker = "/etc/runbook-hermetic-\(UUID().uuidString)"
        defer { unlink(marker) }
        let scratch = s.path("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        _ = try s.write("scratch/keep", "keep\n")
        let listener = try SilentListener()
        let sim = s.path("sim")
        #expect(try CLI.run(["sim", "init", sim]).status == 0)
        let file = try s.write("hermetic.yaml", """
            runbook: hermetic
            steps:
              - id: reach-out
                on: master-0.example.com
                run: |
                  echo x > \(marker)
                  rm -rf \(scratch)
                  curl -s -m 5 http://127.0.0.1:\(listener.port)/ || true
                  /usr/bin/ssh -o BatchMode=yes -o ConnectTimeout=5 -p \(listener.port) 127.0.0.1 true || true
            """)
        let outcome = try await s.runbook(["run", file, "--sim", sim])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the rehearsal wrote the real \(marker)")
        #expect(FileManager.default.fileExists(atPath: scratch + "/keep"), "the rehearsal removed the real \(scratch)")
        #expect(!listener.acceptPending(), "the rehearsal connected to the real listener")
        let simulated = "\(sim)/hosts/master-0.example.com/root\(marker)"
        #expect((try? String(contentsOfFile: simulated, encoding: .utf8)) == "x\n")
    }

    @Test("without bubblewrap, --sim refuses (exit 2) instead of running unconfined")
    func refusesWithoutSandbox() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let sim = s.path("sim")
        #expect(try CLI.run(["sim", "init", sim]).status == 0)
        let file = try s.write("plain.yaml", """
            runbook: plain
            steps:
              - id: touch
                on: master-0.example.com
                run: "touch \(s.path("ran"))"
            """)
        // No `bwrap` on this PATH (the sandbox is looked up there, like every command).
        let outcome = try await s.runbook(["run", file, "--sim", sim], environment: ["PATH": s.path("empty-path")])
        #expect(outcome.status == 2, "\(outcome.output)")
        #expect(outcome.stderr.contains("cannot rehearse: rehearsals run every simulated step in a bubblewrap sandbox, and `bwrap` is not installed"))
        #expect(!FileManager.default.fileExists(atPath: s.path("ran")))
    }
}
