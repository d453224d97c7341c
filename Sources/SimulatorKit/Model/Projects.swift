import Foundation

/// A project made with `oc new-project`, with the apps `oc new-app` put in it (its other objects,
/// routes from `oc expose` too, are in the one object store, `ClusterState.objects`).
public struct SimProject: Sendable, Hashable, Codable {
    public var name: String
    /// Apps made with `oc new-app` (their deployment configs live in `ClusterState.controllers`).
    public var apps: [SimApp]
    /// Set by `oc delete project`: the namespace controller is removing its content. Reads of the
    /// project see `Terminating` once (`terminatingReads` counts them), then the project is gone.
    public var terminating: Bool
    public var terminatingReads: Int
}

/// An application from `oc new-app IMAGE[~SOURCE]`: an image stream, a build config when it has
/// source, a deployment config and a service, all named `name`.
public struct SimApp: Sendable, Hashable, Codable {
    public var name: String
    /// The builder or application image as given (`centos/httpd-24-centos7`).
    public var image: String
    /// The source repository after `~`, empty for an image-only app.
    public var source: String
    /// Simulated second at which it was created.
    public var createdAt: Int
    /// Set by the first wait that saw the rollout finish (`oc rollout status`): the deployment
    /// config then has its replica and its pod is scheduled.
    public var deployed: Bool
}
