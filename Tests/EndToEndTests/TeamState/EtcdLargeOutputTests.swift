import Foundation
import Testing
import TestSupport

/// Outputs larger than one etcd request, and outputs past the run's cap in the team store.
@Suite("large outputs in the team store (real etcd on loopback)", .serialized)
struct EtcdLargeOutputTests {
    /// A runbook whose step `big` prints `bytes` bytes of `x`, then a step `after`.
    static func bigRunbook(_ t: TeamDesk, bytes: Int) throws -> String {
        try t.write("big.yaml", """
            runbook: big
            steps:
              - id: big
                run: "head -c \(bytes) /dev/zero | tr '\\\\0' x"
              - id: after
                run: "echo after"
            """)
    }

    @Test("a step that prints 3 MB (over etcd's 1.5 MiB request limit) is journaled in parts; another machine gets the bytes back and verifies them")
    func outputInParts() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try Self.bigRunbook(t, bytes: 3_000_000)
        // Before the parts, etcd refused the transaction ("trying to send message larger than
        // max") and the run stopped after the step's command had run.
        let run = try CLI.run(["run", file, "--state", etcd.url], in: try t.desk("ann"))
        #expect(run.status == 0, "\(run.output)")
        let id = try #require(TeamDesk.runID(run))
        #expect(try etcd.keys("/team/runs/\(id)/parts/").count == 3)

        let bob = try t.desk("bob")
        let verify = try CLI.run(["audit", "verify", id, "--state", etcd.url], in: bob)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout.contains("output files match"))
        let pulled = try TeamDesk.pulled("output/big.1.run.stdout", of: id, in: bob)
        let bytes = try #require(FileManager.default.contents(atPath: pulled))
        #expect(bytes == Data(repeating: UInt8(ascii: "x"), count: 3_000_000))
    }

    @Test("past --store-cap an output stays on the machine that ran it: status and audit verify elsewhere say which machine and path")
    func outputPastTheCap() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try Self.bigRunbook(t, bytes: 2_000_000)
        let ann = try t.desk("ann")
        let run = try CLI.run(["run", file, "--state", etcd.url, "--store-cap", "1"], in: ann)
        #expect(run.status == 0, "\(run.output)")
        let id = try #require(TeamDesk.runID(run))
        #expect(try etcd.keys("/team/runs/\(id)/parts/").isEmpty)
        #expect(try etcd.keys("/team/runs/\(id)/elsewhere/") == ["/team/runs/\(id)/elsewhere/output/big.1.run.stdout"])
        let kept = try TeamDesk.pulled("output/big.1.run.stdout", of: id, in: ann)
        let machine = TeamStateTests.hostName()

        let bob = try t.desk("bob")
        let status = try CLI.run(["status", id, "--state", etcd.url], in: bob)
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("not in the team store (past its cap), kept on the machine that ran the step:\n  output/big.1.run.stdout: \(machine):\(kept)\n"),
                "\(status.stdout)")
        let verify = try CLI.run(["audit", "verify", id, "--state", etcd.url], in: bob)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout.contains("output/big.1.run.stdout is not in this copy of the run: it was past the team store's cap, so its bytes stayed on \(machine) at \(kept)"),
                "\(verify.stdout)")
        #expect(verify.stdout.contains("1 kept on other machines not checked here"))

        // On the machine that ran it, the bytes are there and checked.
        let here = try CLI.run(["audit", "verify", id, "--state", etcd.url], in: ann)
        #expect(here.status == 0, "\(here.output)")
        #expect(!here.stdout.contains("not checked here"), "\(here.stdout)")
    }
}
