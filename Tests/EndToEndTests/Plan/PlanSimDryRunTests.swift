import Crypto
import Foundation
import Testing
import TestSupport

/// The dry run changes nothing: `plan --sim DIR` of every guide runbook leaves the simulated
/// cluster's state and every host file byte-identical (issue 5).
@Suite("plan --sim changes nothing")
struct PlanSimDryRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Each runbook with params valid for the default simulated cluster.
    static let plans: [(file: String, params: [String])] = [
        ("drain-node", ["node=node-1.example.com", "delete_local_data=true"]),
        ("uncordon-node", ["node=node-1.example.com"]),
        ("grow-docker-storage", ["node=node-1.example.com", "mode=add-disk", "device=/dev/vdc"]),
        ("decommission-master", ["master=master-0.example.com", "allow_unsafe_count=true"]),
        ("replace-etcd-host", ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=manual", "new_etcd_ip=192.168.55.20"]),
        ("backup-etcd", ["host=master-0.example.com"]),
    ]

    @Test func planLeavesEverySimulatedFileByteIdentical() throws {
        let h = try EngineHarness()
        let sim = h.path("sim")
        let initial = try CLI.run(["sim", "init", sim])
        try #require(initial.status == 0, "sim init failed: \(initial.output)")
        let before = try Self.digest(of: sim)
        #expect(before.count > 50, "the simulated cluster should have many files")
        for plan in Self.plans {
            let args = ["plan", "\(Self.root)/runbooks/\(plan.file).yaml", "--sim", sim] + plan.params.flatMap { ["--param", $0] }
            let result = try CLI.run(args)
            #expect(result.status == 0, "\(plan.file): \(result.output)")
            #expect(result.output.contains("nothing has run"), "\(plan.file) printed no plan")
            #expect(try Self.digest(of: sim) == before, "plan of \(plan.file) changed the simulated cluster")
        }
    }

    /// Path -> SHA-256 of every regular file below `dir` (and symlink targets as text).
    static func digest(of dir: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: dir) else { return out }
        for case let relative as String in walker {
            let path = dir + "/" + relative
            if let target = try? fm.destinationOfSymbolicLink(atPath: path) {
                out[relative] = "-> " + target
                continue
            }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            out[relative] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return out
    }
}
