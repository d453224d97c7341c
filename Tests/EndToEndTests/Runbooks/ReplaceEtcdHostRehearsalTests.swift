import Foundation
import Testing

/// replace-etcd-host rehearsed in the simulator with the built binary, both methods: master-2's
/// member is replaced by new-etcd-0 with quorum held throughout; a precondition refusal; a
/// fault before the point of no return (rolled back); a fault after it (stops, resumable);
/// kill -9 + resume.
@Suite("replace-etcd-host rehearsal", .enabled(if: RunbookBinary.canRun, "needs the built binary"))
struct ReplaceEtcdHostRehearsalTests {
    static let old = "master-2.example.com"
    static let new = "new-etcd-0.example.com"

    static func params(_ method: String) -> [String: String] {
        var params = ["old_etcd": old, "new_etcd": new, "method": method]
        if method == "manual" { params["new_etcd_ip"] = "192.168.55.20" }
        return params
    }

    /// The final state: the member set is master-0, master-1, new-etcd-0, all started and
    /// healthy with quorum; ETCD_INITIAL_CLUSTER and etcdClientInfo.urls follow.
    static func expectReplaced(_ sim: MasterSim) throws {
        let state = try sim.stateJSON()
        let members = state["etcdMembers"] as? [[String: Any]] ?? []
        #expect(members.compactMap { $0["name"] as? String } == ["master-0.example.com", "master-1.example.com", new])
        #expect(members.allSatisfy { $0["started"] as? Bool == true })
        #expect(members.last?["peerURL"] as? String == "https://192.168.55.20:2380")
        let text = RunbookBinary.run(["sim", "state", sim.sim]).output
        #expect(text.contains("etcd members (quorum: yes, 3/3 up)"))
        #expect(!text.contains("unhealthy"))
        let health = sim.tool("master-0.example.com", "etcdctl3", "endpoint", "health", "--endpoints=https://\(new):2379")
        #expect(health.code == 0, "\(health.output)")

        let expectedInitial = "ETCD_INITIAL_CLUSTER=master-0.example.com=https://192.168.55.8:2380,"
            + "master-1.example.com=https://192.168.55.12:2380,\(new)=https://192.168.55.20:2380"
        for host in ["master-0.example.com", "master-1.example.com", new] {
            let conf = sim.file(host, "/etc/etcd/etcd.conf") ?? ""
            #expect(conf.split(separator: "\n").contains { $0 == expectedInitial }, "\(host): \(conf)")
        }
        for master in ["master-0.example.com", "master-1.example.com", old] {
            let config = sim.file(master, "/etc/origin/master/master-config.yaml") ?? ""
            #expect(config.contains("  - https://\(new):2379\n"), "\(master)")
            #expect(!config.contains("https://\(old):2379"), "\(master)")
        }
        let inventory = sim.file("master-0.example.com", "/etc/ansible/hosts") ?? ""
        let etcdGroup = inventory.components(separatedBy: "[etcd]\n").dropFirst().first?
            .components(separatedBy: "\n\n").first ?? ""
        #expect(etcdGroup.contains(new))
    }

    /// Quorum held throughout, from the journal: each membership change started only after its
    /// quorum precondition succeeded, and the new member was started and healthy before the
    /// old one was removed.
    static func expectQuorumChecks(_ sim: MasterSim, _ run: String, add: String, precondition: String) {
        let lines = sim.journal(run)
        func index(_ event: String, _ step: String) -> Int? {
            lines.firstIndex { $0["event"] as? String == event && ($0["step"] as? String)?.split(separator: "@").first.map(String.init) == step }
        }
        let checks = [(precondition, add), ("new-member-healthy", "quorum-before-remove"), ("quorum-before-remove", "member-remove")]
        for (check, change) in checks {
            let ok = index("stepSucceeded", check)
            let started = index("stepStarted", change)
            #expect(ok != nil && started != nil && ok! < started!, "\(check) must succeed before \(change) starts")
        }
        #expect(!lines.contains { $0["event"] as? String == "stepFailed" })
    }

    @Test("master-2's member replaced by new-etcd-0, quorum held, configs updated", arguments: ["scaleup", "manual"])
    func replaces(method: String) throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let result = sim.run("replace-etcd-host", Self.params(method))
        #expect(result.code == 0, "\(result.output)")
        try Self.expectReplaced(sim)
        let run = try MasterSim.runID(result.output)
        Self.expectQuorumChecks(sim, run, add: method == "scaleup" ? "scaleup-playbook" : "manual-member-add",
                                precondition: method == "scaleup" ? "quorum-before-add" : "manual-quorum-before-add")
        #expect(sim.verify(run).code == 0)
    }
}
