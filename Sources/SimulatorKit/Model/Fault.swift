/// Something that goes wrong on purpose during a rehearsal.
public enum Fault: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The etcd member on this host reports unhealthy and does not count toward quorum.
    case unhealthyEtcd(host: String)
    /// `oc adm drain NODE` blocks on an eviction until its `--timeout` passes or it is killed.
    case drainHangs(node: String)
    /// `oc adm drain NODE` fails after cordoning.
    case drainFails(node: String)
    /// The docker volume group on this host has no free extents and new disks add none.
    case noFreeExtents(host: String)
    /// The next `times` runs of `tool` whose arguments contain `match` fail (exit 1); later ones succeed.
    case commandFails(tool: String, match: String, times: Int)
    /// Every tool run on this host fails like ssh to an unreachable machine (exit 255).
    case unreachable(host: String)
    /// The disk carries a partition-table signature (it is not blank): `wipefs` shows it and
    /// docker-storage-setup refuses the disk.
    case diskNotBlank(host: String, disk: String)
    /// Runs of `tool` whose arguments contain `match` block until killed or until the fault is
    /// cleared (then fail without doing anything): holds a rehearsal at a chosen command, e.g.
    /// to kill the runner there.
    case commandHangs(tool: String, match: String)
    /// A PodDisruptionBudget (`minAvailable`) over the pods of a deployment config (selector
    /// `deploymentconfig=NAME`): an eviction that would leave fewer healthy pods is refused (429).
    case disruptionBudget(deploymentConfig: String, minAvailable: Int)
    /// The etcd static pod on this master is gone (its manifest taken away and the kubelet has
    /// removed its containers): the member is down and `master-exec etcd …` finds no pod.
    case etcdPodGone(host: String)

    /// The fault kinds `runbook sim fault` accepts, with their arguments.
    public static let kinds: [(name: String, usage: String, summary: String)] = [
        ("unhealthy-etcd", "HOST", "the etcd member on HOST reports unhealthy"),
        ("drain-hangs", "NODE", "oc adm drain NODE blocks until its --timeout or until killed"),
        ("drain-fails", "NODE", "oc adm drain NODE fails after cordoning"),
        ("no-free-extents", "HOST", "the docker VG on HOST has no free extents; new disks add none"),
        ("command-fails", "TOOL MATCH TIMES", "TOOL with MATCH in its arguments fails TIMES times, then succeeds"),
        ("unreachable", "HOST", "every tool on HOST fails like ssh: No route to host (exit 255)"),
        ("disk-not-blank", "HOST DISK", "DISK on HOST has a dos partition-table signature (wipefs shows it)"),
        ("command-hangs", "TOOL MATCH", "TOOL with MATCH in its arguments blocks until killed or the fault is cleared"),
        ("disruption-budget", "DC MIN_AVAILABLE", "a PodDisruptionBudget: evictions leaving fewer than MIN_AVAILABLE healthy pods of DC are refused"),
        ("etcd-pod-gone", "HOST", "the etcd static pod on master HOST is gone: the member is down, master-exec etcd finds no pod"),
    ]

    /// How it is shown in summaries and messages.
    public var description: String {
        switch self {
        case .unhealthyEtcd(let h): "unhealthy-etcd \(h)"
        case .drainHangs(let n): "drain-hangs \(n)"
        case .drainFails(let n): "drain-fails \(n)"
        case .noFreeExtents(let h): "no-free-extents \(h)"
        case .commandFails(let t, let m, let n): "command-fails \(t) '\(m)' (\(n) left)"
        case .unreachable(let h): "unreachable \(h)"
        case .diskNotBlank(let h, let d): "disk-not-blank \(h) \(d)"
        case .commandHangs(let t, let m): "command-hangs \(t) '\(m)'"
        case .disruptionBudget(let dc, let n): "disruption-budget \(dc) \(n)"
        case .etcdPodGone(let h): "etcd-pod-gone \(h)"
        }
    }

    /// Parses `KIND ARGS…` as typed on the command line.
    /// - Throws: `SimError.usage` naming the expected arguments.
    public static func parse(_ words: [String]) throws(SimError) -> Fault {
        guard let kind = words.first else { throw SimError.usage("a fault kind is required") }
        let args = Array(words.dropFirst())
        func one() throws(SimError) -> String {
            guard args.count == 1 else { throw SimError.usage("\(kind) takes one argument") }
            return args[0]
        }
        switch kind {
        case "unhealthy-etcd": return .unhealthyEtcd(host: try one())
        case "drain-hangs": return .drainHangs(node: try one())
        case "drain-fails": return .drainFails(node: try one())
        case "no-free-extents": return .noFreeExtents(host: try one())
        case "unreachable": return .unreachable(host: try one())
        case "etcd-pod-gone": return .etcdPodGone(host: try one())
        case "command-fails":
            guard args.count == 3, let n = Int(args[2]), n > 0 else {
                throw SimError.usage("command-fails takes TOOL MATCH TIMES (TIMES a positive number)")
            }
            return .commandFails(tool: args[0], match: args[1], times: n)
        case "disk-not-blank":
            guard args.count == 2 else { throw SimError.usage("disk-not-blank takes HOST DISK") }
            return .diskNotBlank(host: args[0], disk: args[1])
        case "command-hangs":
            guard args.count == 2 else { throw SimError.usage("command-hangs takes TOOL MATCH") }
            return .commandHangs(tool: args[0], match: args[1])
        case "disruption-budget":
            guard args.count == 2, let n = Int(args[1]), n >= 0 else {
                throw SimError.usage("disruption-budget takes DC MIN_AVAILABLE (MIN_AVAILABLE a number)")
            }
            return .disruptionBudget(deploymentConfig: args[0], minAvailable: n)
        default:
            throw SimError.usage("unknown fault kind '\(kind)' (expected one of: \(kinds.map(\.name).joined(separator: ", ")))")
        }
    }
}

/// A simulator failure shown to the user.
public enum SimError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Bad arguments.
    case usage(String)
    /// The simulator directory could not be read or written.
    case io(String)
    /// A cluster description that makes no sense.
    case invalidCluster(String)

    /// How it is shown in summaries and messages.
    public var description: String {
        switch self {
        case .usage(let m), .io(let m), .invalidCluster(let m): m
        }
    }
}
