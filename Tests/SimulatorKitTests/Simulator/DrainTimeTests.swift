import Foundation
import Testing
@testable import SimulatorKit

/// Drains take simulated time (the pods' grace period) and a disruption budget can hold them,
/// like kubectl 1.11's `evictPods`: the simulated clock advances, wall time does not.
@Suite("oc adm drain: simulated time and disruption budgets")
struct DrainTimeTests {
    static let app = "node-1.example.com"

    /// The non-DaemonSet pods on a node.
    static func evictable(_ s: ClusterState, _ node: String) -> [SimPod] {
        s.pods.filter { pod in
            if case .daemonSet = pod.owner { return false }
            return pod.node == node
        }
    }

    @Test("an eviction takes the pod's grace period (30 s, or --grace-period) in simulated time")
    func gracePeriod() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let pods = Self.evictable(try f.state(), Self.app)
        #expect(!pods.isEmpty)
        let r = try f.run("oc", ["adm", "drain", Self.app, "--ignore-daemonsets"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "node/\(Self.app) cordoned\n" + pods.map { "pod/\($0.name) evicted\n" }.joined() + "node/\(Self.app) drained\n")
        #expect(try f.state().simulatedSeconds == 30)
        #expect(try f.sim.summary().contains("Simulated time: 30s since init"))
        let other = try f.run("oc", ["adm", "drain", "node-2.example.com", "--ignore-daemonsets", "--grace-period=5", "--timeout=10s"])
        #expect(other.status == 0, "\(other)")
        #expect(try f.state().simulatedSeconds == 35)
    }

    @Test("a --timeout shorter than the pods' termination fails like kubectl, the clock at the timeout")
    func timeoutBeforeTermination() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let pods = Self.evictable(try f.state(), Self.app)
        let r = try f.run("oc", ["adm", "drain", Self.app, "--ignore-daemonsets", "--timeout=10s"])
        #expect(r.status == 1)
        #expect(r.stdout == "node/\(Self.app) cordoned\n")
        #expect(r.stderr.hasPrefix("WARNING: Ignoring DaemonSet-managed pods: sdn-"))
        #expect(r.stderr.contains("There are pending pods in node \"\(Self.app)\" when an error occurred: Drain did not complete within 10s\n"
            + pods.map { "pod/\($0.name)\n" }.joined() + "error: unable to drain node \"\(Self.app)\", aborting command...\n"))
        #expect(r.stderr.hasSuffix("error: Drain did not complete within 10s\n"))
        #expect(try f.state().simulatedSeconds == 10)
    }

    @Test("a disruption budget refuses the eviction (429); drain retries every 5 s until --timeout, then fails; the pod stays")
    func budgetHoldsDrain() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.disruptionBudget(deploymentConfig: "frontend", minAvailable: 3))
        let frontend = try #require(Self.evictable(try f.state(), Self.app).first { $0.labels["deploymentconfig"] == "frontend" })
        let r = try f.run("oc", ["adm", "drain", Self.app, "--ignore-daemonsets", "--timeout=20s"])
        #expect(r.status == 1)
        let refusal = "error when evicting pod \"\(frontend.name)\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n"
        #expect(r.stderr.components(separatedBy: refusal).count - 1 == 4, "attempts at 0, 5, 10 and 15 s: \(r.stderr)")
        #expect(r.stderr.contains("Drain did not complete within 20s\npod/\(frontend.name)\n"))
        #expect(r.stderr.hasSuffix("error: Drain did not complete within 20s\n"))
        let s = try f.state()
        #expect(s.pods.contains(frontend))
        #expect(s.node(Self.app)?.schedulable == false)
        #expect(s.simulatedSeconds == 20)
        #expect(try f.sim.summary().contains("Faults: disruption-budget frontend 3"))
    }

    @Test("a budget that leaves enough healthy pods lets the drain through; kubectl's duration format in the message")
    func budgetAllows() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.disruptionBudget(deploymentConfig: "frontend", minAvailable: 2))
        let r = try f.run("oc", ["adm", "drain", Self.app, "--ignore-daemonsets", "--timeout=10m"])
        #expect(r.status == 0, "\(r)")
        #expect(!r.stderr.contains("disruption budget"))
        #expect(Self.evictable(try f.state(), Self.app).isEmpty)
        // The next app node's frontend pod: its replacement is Running, so again 3 healthy.
        try f.sim.inject(.disruptionBudget(deploymentConfig: "frontend", minAvailable: 3))
        let held = try f.run("oc", ["adm", "drain", "node-2.example.com", "--ignore-daemonsets", "--timeout=10m"])
        #expect(held.status == 1)
        #expect(held.stderr.hasSuffix("error: Drain did not complete within 10m0s\n"))
        #expect(try f.state().simulatedSeconds == 30 + 600)
    }

    @Test("Go's duration format for kubectl's messages")
    func goDurations() {
        #expect(OcDrain.goDuration(600) == "10m0s")
        #expect(OcDrain.goDuration(90) == "1m30s")
        #expect(OcDrain.goDuration(3600) == "1h0m0s")
        #expect(OcDrain.goDuration(1) == "1s")
        #expect(OcDrain.goDuration(0.1) == "100ms")
        #expect(OcDrain.goDuration(1.5) == "1.5s")
    }

    @Test("disruption-budget fault: parsed from the command line, refused for an unknown deployment config")
    func faultParsing() throws {
        #expect(try Fault.parse(["disruption-budget", "router", "3"]) == .disruptionBudget(deploymentConfig: "router", minAvailable: 3))
        #expect(throws: SimError.self) { try Fault.parse(["disruption-budget", "router"]) }
        let f = try SimFixture()
        defer { f.remove() }
        #expect(throws: SimError.usage("no deployment config 'nope' in the simulated cluster")) {
            try f.sim.inject(.disruptionBudget(deploymentConfig: "nope", minAvailable: 1))
        }
    }
}
