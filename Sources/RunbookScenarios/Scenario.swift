import RunbookYAML

/// A rehearsal scenario (`*.test.yaml`): a runbook and its params, the simulated cluster, faults,
/// an optional kill and resume, and what must hold at the end. `runbook test` runs each in a
/// simulator of its own. The format is documented in docs/scenarios.md.
public struct Scenario: Sendable, Hashable {
    /// A fault injected before the run, as `runbook sim fault` takes it (`drain-fails node-1`).
    public struct FaultLine: Sendable, Hashable {
        public var words: [String]
        public var location: SourceLocation
    }

    /// `setup`: what an operator or the platform did before the run (and before `faults`): a
    /// simulated tool run on a host (`oc adm manage-node NODE --schedulable=false`), or a disk the
    /// hypervisor or cloud console enlarged (the guide's "resize the disk as your platform allows").
    public struct SetupCommand: Sendable, Hashable {
        public enum Action: Sendable, Hashable {
            /// The tool and its arguments.
            case tool([String])
            /// The disk's new size; a partition on it keeps its size.
            case growDisk(device: String, mib: Int)
            /// A file written on the host (the simulated controller: `localhost`), its parents created:
            /// what an operator put there before the run (a backup to restore).
            case write(path: String, content: String)
        }
        public var host: String
        public var action: Action
        public var location: SourceLocation
    }

    /// `faults_at`: faults injected when a step starts, before its command runs.
    public struct StepFaults: Sendable, Hashable {
        /// A step id (its first instance to start) or an instance key.
        public var step: String
        public var faults: [FaultLine]
        public var location: SourceLocation
    }

    /// `kill_at` + `resume`: a crash of `runbook` and what the operator decides afterwards.
    public struct Crash: Sendable, Hashable {
        /// SIGKILL `runbook` as soon as this step (id or instance key) has started.
        public var step: String
        public var rerun: [String]
        public var skip: [String]
        /// Clear every fault before resuming (the operator fixed the cause).
        public var clearFaults: Bool
    }

    /// One assertion on the simulated cluster after the run.
    public enum ClusterCheck: Sendable, Hashable {
        case nodeSchedulable(node: String, Bool)
        /// Pods on the node that are not DaemonSet pods.
        case podsOn(node: String, count: Int)
        case etcdMembers([String])
        case haproxyBackends(host: String, [String])
        case fileContains(host: String, path: String, text: String, present: Bool)
        case volumeGroupFreeAtLeast(host: String, mebibytes: Int)
        /// The simulated cluster (state and host files) as before the run, apart from host paths
        /// under `except` (the run's own backups) and what only counts writes or faults.
        case unchanged(except: [String])
        /// An etcd v3 key's value (`etcdctl put`), nil: the key must not exist.
        case etcdKey(String, value: String?)
    }

    public struct Expectations: Sendable, Hashable {
        public var exit: Int32?
        /// Step id -> the state every one of its instances ended in (`succeeded`, `failed`,
        /// `skipped`, `rolled_back`, `not_run`).
        public var steps: [(state: String, ids: [String], location: SourceLocation)]
        public var cluster: [(ClusterCheck, SourceLocation)]

        public static func == (a: Expectations, b: Expectations) -> Bool {
            a.exit == b.exit && a.steps.map(\.ids) == b.steps.map(\.ids) && a.steps.map(\.state) == b.steps.map(\.state)
                && a.cluster.map(\.0) == b.cluster.map(\.0)
        }

        public func hash(into h: inout Hasher) {
            h.combine(exit)
            for s in steps { h.combine(s.state); h.combine(s.ids) }
            for c in cluster { h.combine(c.0) }
        }
    }

    public var name: String
    /// The scenario file.
    public var file: String
    /// The runbook, resolved against the scenario file's directory.
    public var runbook: String
    /// `--param` assignments, `name=value`.
    public var params: [String]
    /// A cluster description file, resolved like `runbook`; nil: the guide's default cluster.
    public var cluster: String?
    public var setup: [SetupCommand]
    public var faults: [FaultLine]
    public var faultsAt: [StepFaults]
    public var crash: Crash?
    public var expect: Expectations
    public var location: SourceLocation
    /// `etcd: real`: the simulator runs real etcd members (`runbook sim init --etcd real`).
    public var realEtcd = false
}
