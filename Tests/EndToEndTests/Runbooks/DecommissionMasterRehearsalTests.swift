import Foundation
import Testing

/// decommission-master rehearsed in the simulator with the built binary: success (a middle
/// master and the inventory's first master), the count refusal, a fault before the point of no
/// return (rolled back to the state before), and kill -9 + resume.
@Suite("decommission-master rehearsal")
struct DecommissionMasterRehearsalTests {
    /// The default sim has 3 masters: removing one leaves 2, which the runbook refuses unless overridden.
    static func params(_ master: String) -> [String: String] {
        ["master": master, "allow_unsafe_count": "true"]
    }

    @Test("removing master-1: gone from haproxy, etcd, kubernetes endpoints and the inventory; manifests disabled")
    func removesMiddleMaster() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let result = sim.run("decommission-master", Self.params("master-1.example.com"))
        #expect(result.status == 0, "\(result.output)")
        try Self.expectDecommissioned(sim, "master-1.example.com", ip: "192.168.55.12")
        // Not the first master: the CA files are not handed over.
        #expect(!sim.exists("master-2.example.com", "/etc/origin/master/ca.serial.txt"))
        let run = try MasterSim.runID(result.output)
        // Quorum precondition before the membership change: it succeeded before the removal started.
        let lines = sim.journal(run)
        let healthy = lines.firstIndex { $0["event"] as? String == "stepSucceeded" && $0["step"] as? String == "etcd-survivors-healthy@master-0.example.com" }
        let removal = lines.firstIndex { $0["event"] as? String == "stepStarted" && $0["step"] as? String == "etcd-member-remove@master-0.example.com" }
        #expect(healthy != nil && removal != nil && healthy! < removal!)
        #expect(sim.verify(run).status == 0)
    }

    @Test("removing master-0 (the inventory's first): refused while the inventory is on it; with the inventory elsewhere, ca.serial.txt and the etcd CA directories copied to the others")
    func removesFirstMaster() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let serial = try #require(sim.file("master-0.example.com", "/etc/origin/master/ca.serial.txt"))
        let caKey = try #require(sim.file("master-0.example.com", "/etc/etcd/ca/ca.key"))
        // The inventory may not live on the departing master: it is refused there ...
        let refused = sim.run("decommission-master", Self.params("master-0.example.com"))
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("✖ inventory-elsewhere@master-0.example.com"), "\(refused.output)")
        // ... and kept on master-1 instead.
        let inventory = try #require(sim.file("master-0.example.com", "/etc/ansible/hosts"))
        try FileManager.default.createDirectory(atPath: "\(sim.sim)/hosts/master-1.example.com/root/etc/ansible",
                                                withIntermediateDirectories: true)
        try inventory.write(toFile: "\(sim.sim)/hosts/master-1.example.com/root/etc/ansible/hosts", atomically: true, encoding: .utf8)
        var params = Self.params("master-0.example.com")
        params["inventory_host"] = "master-1.example.com"
        let result = sim.run("decommission-master", params)
        #expect(result.status == 0, "\(result.output)")
        try Self.expectDecommissioned(sim, "master-0.example.com", ip: "192.168.55.8", inventoryHost: "master-1.example.com")
        for other in ["master-1.example.com", "master-2.example.com"] {
            #expect(sim.file(other, "/etc/origin/master/ca.serial.txt") == serial)
            #expect(sim.file(other, "/etc/etcd/ca/ca.key") == caKey)
            #expect(sim.exists(other, "/etc/etcd/ca/openssl.cnf"))
            #expect(sim.exists(other, "/etc/etcd/generated_certs"))
        }
        #expect(sim.verify(try MasterSim.runID(result.output)).status == 0)
    }

    @Test("3 masters: leaving 2 is refused without allow_unsafe_count (exit 1, message, nothing changed)")
    func refusesEvenCount() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let before = try sim.comparableState()
        let files = sim.hostFiles()
        let result = sim.run("decommission-master", ["master": "master-2.example.com"])
        #expect(result.status == 1)
        #expect(result.output.contains(
            "failed at master-count@master-0.example.com: check failed: exit 1: refusing: 2 masters would remain (need an odd number, at least 3); set allow_unsafe_count=true to override"),
            "\(result.output)")
        #expect(try sim.comparableState() == before)
        #expect(sim.hostFiles() == files)
        let run = try MasterSim.runID(result.output)
        #expect(sim.events(run, "stepFailed").map(\.step) == ["master-count@master-0.example.com"])
        #expect(sim.events(run, "stepStarted").allSatisfy { ["is-master", "master-count@master-0.example.com"].contains($0.step) })
        #expect(sim.verify(run).status == 0)
    }

    @Test("4 masters: leaving 3 passes both count checks without the override; master-3 is gone")
    func fourToThree() throws {
        let example = try String(contentsOfFile: MasterSim.runbooks + "/../examples/sim/cluster.yaml", encoding: .utf8)
        let cluster = example.replacingOccurrences(of: """
              - name: master-2.example.com
                ip: 192.168.55.13
                role: masters

            """, with: """
              - name: master-2.example.com
                ip: 192.168.55.13
                role: masters
              - name: master-3.example.com
                ip: 192.168.55.14
                role: masters

            """)
        try #require(cluster.contains("master-3.example.com"))
        let sim = try MasterSim(cluster: cluster)
        defer { sim.remove() }
        let result = sim.run("decommission-master", ["master": "master-3.example.com"])
        #expect(result.status == 0, "\(result.output)")
        let run = try MasterSim.runID(result.output)
        let succeeded = sim.events(run, "stepSucceeded").map(\.step)
        #expect(succeeded.contains("master-count@master-0.example.com"))
        #expect(succeeded.contains("etcd-count@master-0.example.com"))
        let state = try sim.stateJSON()
        let members = (state["etcdMembers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(members == ["master-0.example.com", "master-1.example.com", "master-2.example.com"])
        let lb = (state["hosts"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "lb.example.com" }
        #expect((lb?["haproxyBackends"] as? [String] ?? []).count == 3)
        #expect(!(sim.file("master-0.example.com", "/etc/ansible/hosts") ?? "").contains("master-3"))
        #expect(try CLI.run(["sim", "state", sim.sim]).output.contains("etcd members (quorum: yes, 3/3 up)"))
    }

    /// Backups are kept on purpose when a run rolls back (backup-etcd: "the backups are not
    /// removed on rollback"; backup-master-host's archives are removed, its dated directories
    /// stay): files under /backup and the etcd snapshot are not part of the comparison.
    static func notBackup(_ path: String) -> Bool {
        path.contains("/root/backup/") || path.hasSuffix("/root/var/lib/etcd/snapshot.db")
            || path.hasPrefix("localhost/root/backups/")   // fetched to the simulated controller (backup_dest)
    }

    @Test("the drain fails (fault drain-fails): exit 1, rolled back to the state before the run")
    func drainFailsRollsBack() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.fault("drain-fails", "master-1.example.com")
        let before = try sim.comparableState()
        let files = sim.hostFiles { Self.notBackup($0) }
        let result = sim.run("decommission-master", Self.params("master-1.example.com"))
        #expect(result.status == 1)
        #expect(result.output.contains("unable to evict pods from node master-1.example.com (simulated fault drain-fails)"))
        #expect(result.output.contains("completed steps were rolled back"))
        let after = try sim.comparableState()
        #expect(after == before)
        // Only regular files are compared: the guide's `mkdir -p /etc/origin/node/pods/disabled`
        // has no rollback and leaves an empty directory, which changes nothing.
        #expect(sim.hostFiles { Self.notBackup($0) } == files)
        #expect(sim.exists("master-1.example.com", "/etc/origin/node/pods/apiserver.yaml"))
        let run = try MasterSim.runID(result.output)
        let rolledBack = Set(sim.events(run, "rollbackStepSucceeded").map(\.step))
        for step in ["haproxy-remove-backend@lb.example.com", "haproxy-running@lb.example.com",
                     "disable-api@master-1.example.com", "disable-controllers@master-1.example.com"] {
            #expect(rolledBack.contains(step), "\(rolledBack.sorted())")
        }
        #expect(sim.events(run, "stepStarted").allSatisfy { !$0.step.hasPrefix("etcd-member-remove") })
        #expect(sim.verify(run).status == 0)
    }

    @Test("a failure after the member removal (master-restart fails once): stops with exit 1, resumable; resume finishes")
    func failureAfterPointOfNoReturnStops() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.fault("command-fails", "master-restart", "api", "1")
        let result = sim.run("decommission-master", Self.params("master-1.example.com"))
        #expect(result.status == 1)
        #expect(result.output.contains("nothing was rolled back (resumable)"), "\(result.output)")
        let run = try MasterSim.runID(result.output)
        #expect(result.output.contains("run \(run) can be resumed: runbook resume \(run)"))
        #expect(sim.events(run, "stepFailed").map(\.step) == ["restart-masters@master-0.example.com"])
        #expect(sim.events(run, "rollbackStarted").isEmpty)
        // Exactly what is left: the member is gone and the etcd/master configuration updated,
        // the masters not restarted yet.
        let members = (try sim.stateJSON()["etcdMembers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(members == ["master-0.example.com", "master-2.example.com"])
        #expect(!(sim.file("master-0.example.com", "/etc/etcd/etcd.conf") ?? "").contains("master-1.example.com="))
        #expect(sim.verify(run).status == 0)

        let resumed = sim.resume(run)
        #expect(resumed.status == 0, "\(resumed.output)")
        try Self.expectDecommissioned(sim, "master-1.example.com", ip: "192.168.55.12")
        #expect(sim.verify(run).status == 0)
    }

    @Test("kill -9 during the drain (held by drain-hangs), resume: the same final state as an uninterrupted run")
    func killAndResume() async throws {
        let reference = try MasterSim()
        defer { reference.remove() }
        #expect(reference.run("decommission-master", Self.params("master-1.example.com")).status == 0)

        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.fault("drain-hangs", "master-1.example.com")
        let run = try await sim.runAndKill("decommission-master", Self.params("master-1.example.com"),
                                           at: "decommission-node/drain/drain")
        #expect(sim.verify(run).status == 0)
        try sim.fault("--clear")
        let resumed = sim.resume(run)
        #expect(resumed.status == 0, "\(resumed.output)")
        // The in-flight sub-runbooks are entered again; their completed steps are not re-run.
        let restarted = sim.events(run, "stepStarted").map(\.step)
        #expect(restarted.filter { $0 == "decommission-node/drain/cordon@master-0.example.com" }.count == 1)
        #expect(restarted.filter { $0 == "decommission-node/drain/drain@master-0.example.com" }.count == 2)
        try Self.expectDecommissioned(sim, "master-1.example.com", ip: "192.168.55.12")
        #expect(try sim.comparableState() == reference.comparableState())
        MasterSim.expectSameFiles(sim, reference)
        #expect(sim.verify(run).status == 0)
    }

    @Test("a restarted master's API does not answer /healthz: the run stops there, before the next master is restarted")
    func unhealthyAPIStopsRestartLoop() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        // master-restart itself exits 0 whatever happens; only /healthz shows the API is not back.
        try sim.fault("command-fails", "curl", "8443/healthz", "1")
        var params = Self.params("master-1.example.com")
        params["api_wait_seconds"] = "0"
        let result = sim.run("decommission-master", params)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("failed at restart-masters@master-0.example.com: exit 1: API or controllers not healthy on master-0.example.com after 0s"),
                "\(result.output)")
        let run = try MasterSim.runID(result.output)
        #expect(!sim.events(run, "stepStarted").contains { $0.step == "restart-masters@master-2.example.com" })
        #expect(sim.verify(run).status == 0)
    }

    @Test("master-config.yaml that would not parse after the etcdClientInfo edit: the step fails before writing it, no master is restarted")
    func brokenMasterConfigNeverRestarted() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        // A hand edit left master-2's master-config.yaml unparsable (an unclosed flow sequence).
        let path = "\(sim.sim)/hosts/master-2.example.com/root/etc/origin/master/master-config.yaml"
        let broken = try String(contentsOfFile: path, encoding: .utf8) + "auditConfig: [enabled\n"
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        let result = sim.run("decommission-master", Self.params("master-1.example.com"))
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("failed at master-config-etcd-urls@master-2.example.com: edit: /etc/origin/master/master-config.yaml: the edited file is not valid YAML (line "),
                "\(result.output)")
        let run = try MasterSim.runID(result.output)
        #expect(!sim.events(run, "stepStarted").contains { $0.step.hasPrefix("restart-masters@") })
        #expect(sim.file("master-2.example.com", "/etc/origin/master/master-config.yaml") == broken)
    }

    @Test("kill -9 in restart-masters (held by command-hangs): resume asks for --rerun/--skip, then --rerun finishes like an uninterrupted run")
    func killInUnverifiableStep() async throws {
        let reference = try MasterSim()
        defer { reference.remove() }
        #expect(reference.run("decommission-master", Self.params("master-1.example.com")).status == 0)

        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.fault("command-hangs", "master-restart", "api")
        let run = try await sim.runAndKill("decommission-master", Self.params("master-1.example.com"), at: "restart-masters")
        try sim.fault("--clear")
        #expect(sim.verify(run).status == 0)
        let asked = sim.resume(run)
        #expect(asked.status == 2)
        #expect(asked.output.contains(
            "error: cannot tell whether these were done when the run stopped: restart-masters@master-0.example.com"), "\(asked.output)")
        #expect(asked.output.contains("hint: check by hand, then resume with --rerun restart-masters or --skip restart-masters"))
        let resumed = sim.resume(run, ["--rerun", "restart-masters"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(sim.events(run, "operatorDecision").map(\.message).contains("rerun: --rerun restart-masters"))
        try Self.expectDecommissioned(sim, "master-1.example.com", ip: "192.168.55.12")
        #expect(try sim.comparableState() == reference.comparableState())
        MasterSim.expectSameFiles(sim, reference)
        #expect(sim.verify(run).status == 0)
    }

    /// The final state after decommissioning `master` (`ip`), asserted from the sim and host files.
    static func expectDecommissioned(_ sim: MasterSim, _ master: String, ip: String,
                                     inventoryHost: String = "master-0.example.com") throws {
        let masters = ["master-0.example.com", "master-1.example.com", "master-2.example.com"]
        let remaining = masters.filter { $0 != master }
        let state = try sim.stateJSON()
        let hosts = state["hosts"] as? [[String: Any]] ?? []
        let lb = hosts.first { $0["name"] as? String == "lb.example.com" }
        #expect(lb?["haproxyBackends"] as? [String] == remaining.map { "\($0) \(address(of: $0, in: hosts)):8443" })
        let haproxy = sim.file("lb.example.com", "/etc/haproxy/haproxy.cfg") ?? ""
        #expect(!haproxy.contains(master))
        #expect(!haproxy.contains("\(ip):8443"))
        for other in remaining { #expect(haproxy.contains("server \(other) ")) }

        let members = (state["etcdMembers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(members == remaining)
        #expect((state["etcdMembers"] as? [[String: Any]] ?? []).allSatisfy { $0["started"] as? Bool == true })

        let survivor = remaining[0]
        let endpoints = sim.tool(survivor, "oc", "get", "endpoints", "kubernetes", "-n", "default", "--no-headers")
        #expect(endpoints.status == 0)
        #expect(!endpoints.output.contains("\(ip):8443"))
        for other in remaining { #expect(endpoints.output.contains("\(address(of: other, in: hosts)):8443")) }
        let inventory = sim.file(inventoryHost, "/etc/ansible/hosts") ?? ""
        #expect(!inventory.contains(master))
        for other in remaining { #expect(inventory.contains("\n\(other)\n")) }

        #expect(!sim.exists(master, "/etc/origin/node/pods/apiserver.yaml"))
        #expect(!sim.exists(master, "/etc/origin/node/pods/controller.yaml"))
        #expect(sim.exists(master, "/etc/origin/node/pods/disabled/apiserver.yaml"))
        #expect(sim.exists(master, "/etc/origin/node/pods/disabled/controller.yaml"))
        // Its etcd member is gone, and so is its etcd static pod definition.
        #expect(!sim.exists(master, "/etc/origin/node/pods/etcd.yaml"))
        #expect(sim.exists(master, "/etc/origin/node/pods/disabled/etcd.yaml"))

        for other in remaining {
            let conf = sim.file(other, "/etc/etcd/etcd.conf") ?? ""
            let initial = conf.split(separator: "\n").first { $0.hasPrefix("ETCD_INITIAL_CLUSTER=") } ?? ""
            #expect(!initial.contains(master), "ETCD_INITIAL_CLUSTER on \(other): \(initial)")
            #expect(initial.contains("\(other)=https://"))
            let config = sim.file(other, "/etc/origin/master/master-config.yaml") ?? ""
            #expect(!config.contains("https://\(master):2379"))
        }
        let pods = (state["pods"] as? [[String: Any]] ?? []).filter { $0["node"] as? String == master }
            .compactMap { $0["name"] as? String }
        #expect(!pods.contains("master-api-\(master)"))
        #expect(!pods.contains("master-controllers-\(master)"))
    }

    static func address(of host: String, in hosts: [[String: Any]]) -> String {
        hosts.first { $0["name"] as? String == host }?["ip"] as? String ?? "?"
    }
}
