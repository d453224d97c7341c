import Foundation
import RunbookCore

/// Everything the simulator knows about its cluster, saved as one JSON file.
///
/// Files on the simulated hosts (manifests, etcd.conf, haproxy.cfg …) live in the host trees;
/// rules that depend on them (is a static pod running?) are answered by `ClusterView`.
public struct ClusterState: Sendable, Hashable, Codable {
    /// Every simulated machine, in inventory order.
    public var hosts: [SimHost]
    /// Kubernetes nodes (a host stops being a node after `oc delete node`).
    public var nodes: [SimNode]
    /// Pods not managed as static pods (static pods come from manifests).
    public var pods: [SimPod]
    /// Deployment configs and the replication controllers they own.
    public var controllers: [SimController]
    /// Daemon sets: one pod on every node.
    public var daemonSets: [SimDaemonSet]
    /// etcd members, in the order they joined.
    public var etcdMembers: [EtcdMember]
    /// Storage classes (`oc get storageclass`).
    public var storageClasses: [String]
    /// Inventory groups (masters, etcd, nodes, infra, app, lb, new_etcd).
    public var groups: [String: [String]]
    /// Faults in force.
    public var faults: [Fault]
    /// Counter behind generated pod suffixes and member ids, so runs are reproducible.
    public var sequence: Int
    /// The cluster id etcd prints.
    public var etcdClusterID: String
    /// Simulated seconds that passed since `sim init` (drains advance it instead of sleeping);
    /// nil until something took simulated time.
    public var simulatedSeconds: Int?
    /// The etcd v3 keys written with `etcdctl put` (OpenShift's own objects are not modelled);
    /// nil until the first write.
    public var etcdData: [String: String]?
    /// The etcd store revision (1 until the first write), recorded by `snapshot save`.
    public var etcdRevision: Int?
    /// Persistent volume claims (nil until the first one is created).
    public var claims: [SimClaim]?
    /// Projects made with `oc new-project` (the initial namespaces are implied); nil until one is.
    public var projects: [SimProject]?
    /// Image stream tags created by `oc import-image`, as `NAMESPACE/NAME:TAG` with the image
    /// they were imported from (nil: none).
    public var importedTags: [String: String]?
    /// The API objects commands store, for every namespace alike (secrets, service accounts,
    /// role bindings, routes, what `oc create -f` made); nil: as installed (`InstalledObjects.all`).
    /// Objects derived from other state (pods, deployment configs, apps, claims) are not here.
    public var objects: [SimObject]?

    /// The host with this name.
    public func host(_ name: String) -> SimHost? { hosts.first { $0.name == name } }
    /// The index of the host with this name.
    public func hostIndex(_ name: String) -> Int? { hosts.firstIndex { $0.name == name } }
    /// The node with this name.
    public func node(_ name: String) -> SimNode? { nodes.first { $0.name == name } }
    /// The index of the node with this name.
    public func nodeIndex(_ name: String) -> Int? { nodes.firstIndex { $0.name == name } }

    /// A fresh pseudo-random suffix like real generated names (`router-1-vzlzq`).
    public mutating func nextSuffix(length: Int = 5) -> String {
        sequence += 1
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var x = UInt64(sequence) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019
        var out = ""
        for _ in 0..<length {
            x ^= x >> 29
            x = x &* 0xBF58_476D_1CE4_E5B9
            out.append(alphabet[Int(x % UInt64(alphabet.count))])
        }
        return out
    }

    /// A fresh 16-hex-digit etcd member id.
    public mutating func nextMemberID() -> String {
        sequence += 1
        var x = UInt64(sequence) &* 0xD6E8_FEB8_6659_FD93 &+ 0x1234_5678_9ABC_DEF1
        x ^= x >> 32
        x = x &* 0xD6E8_FEB8_6659_FD93
        return String(format: "%016lx", x)
    }
}

/// One simulated machine.
public struct SimHost: Sendable, Hashable, Codable {
    /// The name (host name, node name, controller name …).
    public var name: String
    /// The address other hosts reach it at.
    public var ip: String
    /// systemd units by name without `.service`.
    public var services: [String: ServiceState]
    public var storage: DockerStorage?
    /// Installed packages (`rpm -qa`).
    public var packages: [String]
    /// Disks attached to the host (`/dev/vdb` …) with their size in MiB.
    public var disks: [String: Int]
    /// Partitions (`/dev/vdb1`) whose size differs from their physical volume's, in MiB: a
    /// partition grows only with `growpart`, and `pvresize` grows a PV only up to its partition.
    /// Absent: the partition is as large as the PV on it.
    public var partitions: [String: Int]?
    /// Backends haproxy loaded at its last (re)start (only on load balancers).
    public var haproxyBackends: [String]
    /// Set when `master-restart api` could not reach etcd through master-config's urls.
    public var apiFailed: Bool
    /// Static pods whose containers keep running while the node service (the kubelet) is
    /// stopped: nobody stops them, and nobody starts or removes them either, until the kubelet is
    /// back. Nil while the node service runs; docker stopping kills them.
    public var orphanedStaticPods: [String]?
    /// The project `oc project` last switched to on this host.
    public var project: String
    /// Disks (`/dev/vdb`) that still carry a dos partition table although no physical volume
    /// is on them any more (after `pvremove`): `wipefs` shows it, docker-storage-setup refuses
    /// the disk until `wipefs -a` erased it.
    public var partitionedDisks: [String]?
    /// `imagePolicyConfig.allowedRegistriesForImport` (domain names) of the master-config.yaml
    /// this master's API read at its last `master-restart api`; nil: none was set (or the API was
    /// never restarted: installed without a list).
    public var allowedRegistriesForImport: [String]?
}

/// A systemd unit.
public struct ServiceState: Sendable, Hashable, Codable {
    /// Running now.
    public var active: Bool
    /// Started at boot.
    public var enabled: Bool
    /// Cannot be started until unmasked.
    public var masked: Bool
    /// Creates a value with every field given.
    public init(active: Bool, enabled: Bool, masked: Bool = false) {
        self.active = active
        self.enabled = enabled
        self.masked = masked
    }
}

/// Docker's LVM storage on a host: one volume group with one logical volume.
public struct DockerStorage: Sendable, Hashable, Codable {
    /// `overlay2` (XFS on an LV, grown with lvextend + xfs_growfs) or `devicemapper` (thin pool).
    public var driver: String
    public var volumeGroup: String
    public var logicalVolume: String
    /// Physical volumes (`/dev/vdb1`) and their size in MiB.
    public var physicalVolumes: [String: Int]
    /// The logical volume's size in MiB.
    public var lvSizeMiB: Int
    /// The XFS file system's size in MiB (lags the LV until xfs_growfs or `lvextend -r`).
    public var fsSizeMiB: Int

    /// The partition under a physical volume, in MiB (as large as the PV unless `growpart` grew it).
    public func partitionMiB(_ pv: String, on host: SimHost) -> Int? {
        host.partitions?[pv] ?? physicalVolumes[pv]
    }

    /// The volume group's size in MiB.
    public var vgSizeMiB: Int { physicalVolumes.values.reduce(0, +) }
    /// Free MiB in the volume group.
    public var vgFreeMiB: Int { max(0, vgSizeMiB - lvSizeMiB) }
    /// `/dev/mapper/docker--vg-docker--pool`.
    public var mapperPath: String {
        "/dev/mapper/" + volumeGroup.replacingOccurrences(of: "-", with: "--") + "-"
            + logicalVolume.replacingOccurrences(of: "-", with: "--")
    }
}

/// A Kubernetes node.
public struct SimNode: Sendable, Hashable, Codable {
    /// The name (host name, node name, controller name …).
    public var name: String
    /// `master`, `infra`, `compute`.
    public var roles: [String]
    /// False once cordoned (`SchedulingDisabled`).
    public var schedulable: Bool
    /// Labels, for `-l` selectors and JSON output.
    public var labels: [String: String]
    /// How many pods fit (the scheduler's room check).
    public var maxPods: Int
}

/// What created a pod; decides how drain treats it.
public enum PodOwner: Sendable, Hashable, Codable {
    /// Created by a replication controller (recreated after eviction).
    case replicationController(String)
    /// Created by a daemon set (one per node; drain needs --ignore-daemonsets).
    case daemonSet(String)
    /// Created directly (drain needs --force; lost on eviction).
    case bare
}

/// A pod the API server knows (static pods are derived from manifests instead).
public struct SimPod: Sendable, Hashable, Codable {
    /// The name (host name, node name, controller name …).
    public var name: String
    /// The project it lives in.
    public var namespace: String
    /// Empty while Pending.
    public var node: String
    /// Who manages it.
    public var owner: PodOwner
    /// Uses an emptyDir volume (drain needs `--delete-local-data`).
    public var localData: Bool
    /// Labels, for `-l` selectors and JSON output.
    public var labels: [String: String]
    /// The address other hosts reach it at.
    public var ip: String
    /// When it was created (for AGE).
    public var created: Date
    /// `Running` or `Pending`.
    public var status: String { node.isEmpty ? "Pending" : "Running" }
}

/// A deployment config with its current replication controller (`router` -> `router-1`).
public struct SimController: Sendable, Hashable, Codable {
    /// The name (host name, node name, controller name …).
    public var name: String
    /// The project it lives in.
    public var namespace: String
    /// The latest deployment (`router-1`).
    public var revision: Int
    /// Desired replicas.
    public var replicas: Int
    /// The node role its pods need (`infra`, `compute`).
    public var nodeRole: String
    /// Binds host ports 80/443, so at most one pod per node (the router).
    public var hostPort: Bool
    public var localData: Bool
    /// Claim-backed volumes of the pod template (nil: none).
    public var volumes: [SimVolume]?
    /// `replicationcontroller` name, e.g. `router-1`.
    public var rcName: String { "\(name)-\(revision)" }
}

/// A daemon set with a pod on every node.
public struct SimDaemonSet: Sendable, Hashable, Codable {
    /// The name (host name, node name, controller name …).
    public var name: String
    /// The project it lives in.
    public var namespace: String
}

/// An etcd cluster member.
public struct EtcdMember: Sendable, Hashable, Codable {
    /// 16 hex digits.
    public var id: String
    /// Empty until the member has started.
    public var name: String
    /// `https://IP:2380`.
    public var peerURL: String
    /// Empty until the member has started.
    public var clientURL: String
    /// The simulated host that runs it.
    public var host: String
    /// False between `member add` and the first start.
    public var started: Bool
}
