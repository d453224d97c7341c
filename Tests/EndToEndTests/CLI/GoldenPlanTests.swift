import Foundation
import Testing

/// `runbook plan` of every runbook in runbooks/ for the example cluster, compared with the reviewed
/// files in Tests/Golden/plan/. `RECORD_GOLDEN=1 swift test --filter GoldenPlanTests` rewrites them and
/// fails, so a recording is never mistaken for a pass: review the diff (`git diff Tests/Golden`), then
/// run again without the variable.
@Suite struct GoldenPlanTests {
    /// A golden file: its name, the runbook and the `--param` values (realistic for examples/inventory.yaml).
    struct Case: CustomTestStringConvertible, Sendable {
        var golden: String
        var runbook: String
        var params: [String]
        var testDescription: String { golden }
    }

    static let cases: [Case] = [
        Case(golden: "drain-node", runbook: "drain-node", params: ["node=node-1.example.com", "delete_local_data=true"]),
        Case(golden: "uncordon-node", runbook: "uncordon-node", params: ["node=node-1.example.com"]),
        Case(golden: "decommission-node", runbook: "decommission-node",
             params: ["node=infra-node-2.example.com", "infra_replicas=2", "remove_lb_backend=true"]),
        Case(golden: "decommission-master", runbook: "decommission-master",
             params: ["master=master-0.example.com", "allow_unsafe_count=true"]),
        Case(golden: "replace-etcd-host-scaleup", runbook: "replace-etcd-host",
             params: ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=scaleup"]),
        Case(golden: "replace-etcd-host-manual", runbook: "replace-etcd-host",
             params: ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=manual",
                      "new_etcd_ip=192.168.55.20"]),
        Case(golden: "grow-docker-storage-add-disk", runbook: "grow-docker-storage",
             params: ["node=node-0.example.com", "device=/dev/vdc", "mode=add-disk"]),
        Case(golden: "grow-docker-storage-extend-existing", runbook: "grow-docker-storage",
             params: ["node=node-0.example.com", "device=/dev/vdb1", "mode=extend-existing"]),
        Case(golden: "backup-master-host", runbook: "backup-master-host", params: ["host=master-1.example.com"]),
        Case(golden: "backup-etcd", runbook: "backup-etcd", params: ["host=master-1.example.com"]),
    ]

    static let goldenDirectory = CLI.root.appendingPathComponent("Tests/Golden/plan")

    @Test(arguments: cases)
    func planMatchesTheReviewedGoldenFile(_ c: Case) throws {
        let arguments = ["plan", "runbooks/\(c.runbook).yaml", "--inventory", "examples/inventory.yaml"]
            + c.params.flatMap { ["--param", $0] }
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        let file = Self.goldenDirectory.appendingPathComponent("\(c.golden).txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try result.stdout.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.path) (\(result.stdout.split(separator: "\n").count) lines): review it, then run without RECORD_GOLDEN")
            return
        }
        let golden = try #require(try? String(contentsOf: file, encoding: .utf8),
                                  "no golden file \(file.path): record it with RECORD_GOLDEN=1 and review it")
        #expect(result.stdout == golden, "plan of \(c.runbook) differs from \(file.path): \(Self.firstDifference(result.stdout, golden))")
    }

    /// Every runbook in runbooks/ has at least one golden plan: a new runbook cannot skip review.
    @Test func everyRunbookHasAGoldenPlan() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: CLI.root.appendingPathComponent("runbooks").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        let covered = Set(Self.cases.map(\.runbook))
        #expect(names.filter { !covered.contains($0) }.sorted() == [])
        #expect(Set(Self.cases.map(\.golden)).count == Self.cases.count)
    }

    /// The first differing line, so a failure says where to look in a 600-line plan.
    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) where i >= a.count || i >= e.count || a[i] != e[i] {
            let got = i < a.count ? String(a[i]) : "<end>", want = i < e.count ? String(e[i]) : "<end>"
            return "line \(i + 1): got \(got.debugDescription), golden \(want.debugDescription)"
        }
        return "no line differs"
    }
}
