import Foundation

/// A project made with `oc new-project`, with what `oc new-app` and `oc expose` put in it.
public struct SimProject: Sendable, Hashable, Codable {
    public var name: String
    /// Apps made with `oc new-app` (their deployment configs live in `ClusterState.controllers`).
    public var apps: [SimApp]
    /// Routes made with `oc expose svc/NAME`.
    public var routes: [SimRoute]
    /// Set by `oc delete project`: the namespace controller is removing its content. Reads of the
    /// project see `Terminating` once (`terminatingReads` counts them), then the project is gone.
    public var terminating: Bool
    public var terminatingReads: Int
    /// Objects created with `oc create -f` and the service accounts and role bindings
    /// `oc new-project` makes (nil: none; projects from before this field have none).
    public var objects: [SimObject]?
}

/// An API object stored as written (`oc create -f`): its kind, name and body as YAML with
/// `metadata.namespace` set; `oc get` adds the fields the API server sets (uid, resourceVersion …).
public struct SimObject: Sendable, Hashable, Codable {
    public var kind: String
    public var name: String
    public var yaml: String
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

/// A route: `NAME-PROJECT.<subdomain>` to a service of the project.
public struct SimRoute: Sendable, Hashable, Codable {
    public var name: String
    public var service: String
    public var host: String
}
