import Foundation
import Testing
@testable import SimulatorKit

@Suite("read-only tools and summary")
struct ReadOnlyAndSummaryTests {
    /// Every file under the simulator directory with its bytes.
    static func snapshot(_ dir: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let p = e?.nextObject() as? String {
            if let d = FileManager.default.contents(atPath: dir + "/" + p) { files[p] = d }
        }
        return files
    }

    @Test("queries leave the state and every host file byte-identical")
    func queriesChangeNothing() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let before = Self.snapshot(f.dir)
        for (tool, args) in [("oc", ["get", "nodes"]), ("oc", ["get", "pods", "--all-namespaces", "-o", "json"]),
                             ("oc", ["adm", "manage-node", "node-0.example.com", "--list-pods"]),
                             ("etcdctl3", ["member", "list", "-w", "table"]), ("etcdctl2", ["cluster-health"]),
                             ("vgs", []), ("systemctl", ["status", "docker"]), ("rpm", ["-qa"])] {
            #expect(try f.run(tool, args).status == 0)
        }
        #expect(Self.snapshot(f.dir) == before)
    }

    @Test("the summary shows nodes, pods, etcd quorum, haproxy backends, storage and faults")
    func summary() throws {
        let f = try SimFixture()
        defer { f.remove() }
        _ = try f.run("oc", ["adm", "cordon", "node-2.example.com"])
        try f.sim.inject(.unhealthyEtcd(host: "master-1.example.com"))
        let s = try f.sim.summary()
        #expect(s.contains("API: available (serving masters: master-0.example.com, master-1.example.com, master-2.example.com)"))
        #expect(s.contains("  node-2.example.com         compute   Ready     no            "))
        #expect(s.contains("etcd members (quorum: yes, 2/3 up):"))
        #expect(s.contains("  2a371dd20f21ca8d   master-1.example.com   https://192.168.55.12:2380   started   unhealthy"))
        #expect(s.contains("haproxy backends (lb.example.com, running):\n  master-0.example.com 192.168.55.8:8443  (api up)"))
        #expect(s.contains("  node-0.example.com         docker-vg   <20.00g   <5.00g    15.00g    15.00g    overlay2   running"))
        #expect(s.hasSuffix("Faults: unhealthy-etcd master-1.example.com\n"))
    }
}
