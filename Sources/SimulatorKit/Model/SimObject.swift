import Foundation

/// One API object of the cluster's object store: its namespace, kind and name, and its body as
/// YAML (metadata included) the way the API server keeps what was written. Every `oc` command that
/// makes, changes or reads a stored kind goes through the same list (`OcStore`), so whatever one
/// command stores every other one sees, in every namespace.
public struct SimObject: Sendable, Hashable, Codable {
    public var namespace: String
    public var kind: String
    public var name: String
    public var yaml: String

    /// Creates a value with every field given.
    public init(namespace: String, kind: String, name: String, yaml: String) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.yaml = yaml
    }
}
