import Foundation
import Testing

/// With one etcd member down (unhealthy, its process still answering), every runbook that can
/// cost quorum refuses before it changes anything: the simulated cluster and every file on
/// every host are byte-identical afterwards. etcd 3.2's v2 `cluster-health` still says
/// "cluster is healthy" then, so these gates are v3 `member list` + `endpoint health` of every
/// member.
@Suite("one etcd member down: refused before any change")
struct EtcdMemberDownRehearsalTests {
    static let down = "master-2.example.com"

    /// Runs `name` with `params` with master-2's member unhealthy, and expects exit 1 at `gate` with the cluster and
    /// the host files exactly as before.
    func expectRefused(_ name: String, _ params: [String: String], gate: String, sim: MasterSim,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        try sim.fault("unhealthy-etcd", Self.down)
        let v2 = sim.tool("master-0.example.com", "etcdctl2", "cluster-health")
        #expect(v2.status == 0 && v2.output.hasSuffix("cluster is healthy\n"), "v2 cluster-health would let it pass: \(v2.output)",
                sourceLocation: sourceLocation)
        let before = try sim.comparableState()
        let filesBefore = sim.hostFiles()
        let result = sim.run(name, params)
        #expect(result.status == 1, "\(result.output)", sourceLocation: sourceLocation)
        #expect(result.output.contains("✖ \(gate)"), "\(result.output)", sourceLocation: sourceLocation)
        #expect(result.output.contains("check failed: exit 1: Error:  unhealthy cluster"), "\(result.output)", sourceLocation: sourceLocation)
        try sim.expectUnchanged(since: before, files: filesBefore, sourceLocation: sourceLocation)
    }

    @Test("grow-docker-storage on a master (extend-existing)")
    func growDockerStorageOnMaster() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.growDisk("master-1.example.com", "/dev/vdb", toMiB: 30720)
        try expectRefused("grow-docker-storage", ["node": "master-1.example.com", "mode": "extend-existing", "device": "/dev/vdb1"],
                          gate: "etcd-healthy-before@master-0.example.com", sim: sim)
    }

    @Test("replace-etcd-host (scaleup and manual)", arguments: ["scaleup", "manual"])
    func replaceEtcdHost(method: String) throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        var params = ["old_etcd": "master-1.example.com", "new_etcd": "new-etcd-0.example.com", "method": method]
        if method == "manual" { params["new_etcd_ip"] = "192.168.55.20" }
        try expectRefused("replace-etcd-host", params, gate: "etcd-healthy-first@master-0.example.com", sim: sim)
    }

    @Test("decommission-master")
    func decommissionMaster() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        try expectRefused("decommission-master", ["master": "master-1.example.com", "allow_unsafe_count": "true"],
                          gate: "etcd-healthy-first@master-0.example.com", sim: sim)
    }
}
