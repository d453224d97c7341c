import Foundation

/// Places pods on nodes the way the real scheduler and controllers would, well enough for rehearsals:
/// replication controllers keep their replica count, daemon sets keep one pod per node, pending pods
/// land on schedulable, Ready nodes with the right role and room.
extension ClusterView {
    /// Brings pods in line with controllers and daemon sets, then schedules pending pods.
    public mutating func reconcile() {
        for ds in state.daemonSets {
            for node in state.nodes where !state.pods.contains(where: { $0.owner == .daemonSet(ds.name) && $0.node == node.name }) {
                let pod = newPod(prefix: ds.name, namespace: ds.namespace, owner: .daemonSet(ds.name), localData: false,
                                 labels: ["app": ds.name])
                var placed = pod
                placed.node = node.name
                placed.ip = state.host(node.name)?.ip ?? ""
                state.pods.append(placed)
            }
            let nodeNames = Set(state.nodes.map(\.name))
            state.pods.removeAll { $0.owner == .daemonSet(ds.name) && !nodeNames.contains($0.node) }
        }
        for c in state.controllers {
            let mine = state.pods.filter { $0.owner == .replicationController(c.rcName) }
            if mine.count < c.replicas {
                for _ in mine.count..<c.replicas {
                    state.pods.append(newPod(prefix: c.rcName, namespace: c.namespace, owner: .replicationController(c.rcName),
                                             localData: c.localData, labels: ["deploymentconfig": c.name]))
                }
            } else if mine.count > c.replicas {
                // Pending pods go first, then the newest.
                let victims = mine.sorted { ($0.node.isEmpty ? 0 : 1, $1.created) < ($1.node.isEmpty ? 0 : 1, $0.created) }
                    .prefix(mine.count - c.replicas).map(\.name)
                state.pods.removeAll { victims.contains($0.name) }
            }
        }
        for i in state.pods.indices where state.pods[i].node.isEmpty {
            if let node = placement(for: state.pods[i]) {
                state.pods[i].node = node
                state.pods[i].ip = podIP(on: node)
            }
        }
    }

    /// Where a pending pod can go, or nil.
    func placement(for pod: SimPod) -> String? {
        guard case .replicationController(let rc) = pod.owner,
              let c = state.controllers.first(where: { $0.rcName == rc }), claimsBound(c) else { return nil }
        let candidates = state.nodes.filter { node in
            guard node.schedulable, node.roles.contains(c.nodeRole), nodeReady(node.name) else { return false }
            let here = state.pods.filter { $0.node == node.name }
            if here.count >= node.maxPods { return false }
            if c.hostPort, here.contains(where: { $0.owner == pod.owner }) { return false }
            return true
        }
        return candidates.min { a, b in
            state.pods.filter { $0.node == a.name }.count < state.pods.filter { $0.node == b.name }.count
        }?.name
    }

    mutating func newPod(prefix: String, namespace: String, owner: PodOwner, localData: Bool, labels: [String: String]) -> SimPod {
        let suffix = state.nextSuffix()
        return SimPod(name: "\(prefix)-\(suffix)", namespace: namespace, node: "", owner: owner, localData: localData,
                      labels: labels, ip: "", created: Date())
    }

    func podIP(on node: String) -> String {
        guard let index = state.nodeIndex(node) else { return "" }
        let used = Set(state.pods.filter { $0.node == node }.map(\.ip))
        let free = (2..<254).first { !used.contains("10.128.\(index * 2).\($0)") } ?? 254
        return "10.128.\(index * 2).\(free)"
    }

    /// The guide's warning case: a pod no controller manages (drain needs `--force`), on the second
    /// infra node (away from the app nodes the runbooks' rehearsal params use); and every initial
    /// pod three days old.
    mutating func addInitialBarePod() {
        let infra = state.groups["infra"] ?? [], app = state.groups["app"] ?? []
        if let node = infra.count > 1 ? infra[1] : (infra.first ?? app.first) {
            state.pods.append(SimPod(name: "debug-pod", namespace: "default", node: node, owner: .bare, localData: false,
                                     labels: ["run": "debug-pod"], ip: podIP(on: node), created: Date()))
        }
        let old = Date(timeIntervalSinceNow: -3 * 86400)
        for i in state.pods.indices { state.pods[i].created = old }
    }
}
