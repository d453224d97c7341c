import Foundation

/// A persistent volume claim (kubernetes 1.11): bound to a dynamically provisioned volume when a
/// default (or named) storage class exists, Pending otherwise. The volume's files live in
/// `<simdir>/volumes/<volume>/`.
public struct SimClaim: Sendable, Hashable, Codable {
    /// The claim's name.
    public var name: String
    /// The project it lives in.
    public var namespace: String
    /// The bound persistent volume (`pvc-…`); empty while Pending.
    public var volume: String
    /// The requested size as given (`1Gi`).
    public var size: String
    /// The storage class that provisioned it (empty: none).
    public var storageClass: String
    /// `Bound` or `Pending`.
    public var phase: String { volume.isEmpty ? "Pending" : "Bound" }
}

/// A volume in a deployment config's pod template, backed by a claim.
public struct SimVolume: Sendable, Hashable, Codable {
    /// The volume's name in the template (`persistent-volume`).
    public var name: String
    /// The claim it mounts.
    public var claim: String
    /// Where the container sees it.
    public var mountPath: String
}

extension ClusterState {
    /// The claim with this name in this project.
    public func claim(_ name: String, in namespace: String) -> SimClaim? {
        claims?.first { $0.name == name && $0.namespace == namespace }
    }
}

extension ClusterView {
    /// Where a bound volume's files live on the real disk.
    public func volumeDirectory(_ volume: String) -> String { simDirectory + "/volumes/" + volume }

    /// True when every claim the controller's pods mount is Bound (the scheduler keeps pods with
    /// an unbound claim Pending: "pod has unbound PersistentVolumeClaims").
    func claimsBound(_ c: SimController) -> Bool {
        (c.volumes ?? []).allSatisfy { state.claim($0.claim, in: c.namespace)?.phase == "Bound" }
    }
}
