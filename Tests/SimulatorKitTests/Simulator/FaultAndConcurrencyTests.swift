import Foundation
import TestSupport
import Testing
@testable import SimulatorKit

@Suite("faults and concurrency")
struct FaultAndConcurrencyTests {
    @Test("an unreachable host fails every tool like ssh, exit 255")
    func unreachable() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.unreachable(host: "node-1.example.com"))
        let r = try f.run("systemctl", ["status", "docker"], on: "node-1.example.com")
        #expect(r.status == 255)
        #expect(r.stderr == "ssh: connect to host 192.168.55.32 port 22: No route to host\n")
        #expect(try f.run("oc", ["get", "nodes", "node-1.example.com"]).stdout.contains("NotReady"))
    }

    @Test("command-fails fails N times then succeeds")
    func commandFails() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.commandFails(tool: "oc", match: "manage-node", times: 2))
        let args = ["adm", "manage-node", "node-0.example.com", "--list-pods"]
        #expect(try f.run("oc", args).status == 1)
        #expect(try f.run("oc", ["get", "nodes"]).status == 0)
        #expect(try f.run("oc", args).stderr == "oc: simulated failure (fault command-fails)\n")
        #expect(try f.run("oc", args).status == 0)
        #expect(try f.state().faults.isEmpty)
    }

    @Test("drain-fails aborts after cordoning; no-free-extents leaves lvextend nothing")
    func drainFailsAndNoFree() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.drainFails(node: "node-2.example.com"))
        let r = try f.run("oc", ["adm", "drain", "node-2.example.com", "--ignore-daemonsets", "--force", "--delete-local-data"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("simulated fault drain-fails"))
        #expect(try f.state().pods.contains { $0.node == "node-2.example.com" && $0.owner == .replicationController("frontend-1") })
        try f.sim.inject(.noFreeExtents(host: "node-2.example.com"))
        let lv = try f.run("lvextend", ["-l", "+100%FREE", "/dev/docker-vg/docker-pool"], on: "node-2.example.com")
        #expect(lv.status == 5)
        #expect(try f.sim.summary().contains("Faults: drain-fails node-2.example.com; no-free-extents node-2.example.com"))
        try f.sim.clearFaults()
        #expect(try f.state().faults.isEmpty)
    }

    @Test("drain-hangs blocks until killed, after cordoning")
    func drainHangs() async throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.drainHangs(node: "node-2.example.com"))
        let p = try f.start("oc", ["adm", "drain", "node-2.example.com", "--ignore-daemonsets"])
        // Wait for the cordon to be committed (it happens before the hang).
        while try f.state().node("node-2.example.com")?.schedulable == true { try await Task.sleep(for: .milliseconds(20)) }
        #expect(p.isRunning)
        p.send(SIGTERM)
        #expect(await p.wait().signal == SIGTERM)
        #expect(try f.state().pods.contains { $0.node == "node-2.example.com" && $0.owner == .replicationController("frontend-1") })
    }

    @Test("drain-hangs with --timeout gives up like kubectl")
    func drainHangsTimeout() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.drainHangs(node: "node-2.example.com"))
        let r = try f.run("oc", ["adm", "drain", "node-2.example.com", "--ignore-daemonsets", "--timeout=100ms"])
        #expect(r.status == 1)
        #expect(r.stderr.hasSuffix("error: Drain did not complete within 100ms\n"))
        #expect(try f.state().node("node-2.example.com")?.schedulable == false)
    }

    @Test("20 concurrent manage-node processes on 20 nodes all land in valid JSON state")
    func parallelInvocations() throws {
        let apps = (0..<20).map { ClusterDescription.Host(name: "app-\($0).example.com", ip: "10.0.1.\($0 + 10)", role: "app") }
        let f = try SimFixture(ClusterDescription(hosts: ClusterDescription.default.hosts("masters") + apps))
        defer { f.remove() }
        let processes = try apps.map { try f.start("oc", ["adm", "manage-node", $0.name, "--schedulable=false"]) }
        let outcomes = processes.map { $0.waitUntilExit() }
        #expect(outcomes.allSatisfy { $0.status == 0 })
        let data = try #require(FileManager.default.contents(atPath: f.dir + "/state.json"))
        #expect((try? JSONSerialization.jsonObject(with: data)) != nil)
        let s = try f.state()
        #expect(apps.allSatisfy { s.node($0.name)?.schedulable == false })
    }

    @Test("reset restores the initial cluster")
    func reset() throws {
        let f = try SimFixture()
        defer { f.remove() }
        _ = try f.run("oc", ["adm", "cordon", "node-0.example.com"])
        try f.disable("api", on: "master-0.example.com")
        try f.sim.reset()
        #expect(try f.state().node("node-0.example.com")?.schedulable == true)
        #expect(f.tree("master-0.example.com").exists("/etc/origin/node/pods/apiserver.yaml"))
    }
}
