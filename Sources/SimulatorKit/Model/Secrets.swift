import Foundation

/// A secret made with `oc create secret docker-registry` (7.3.5): its data as the API stores it,
/// base64 encoded per key.
public struct SimSecret: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    /// `kubernetes.io/dockerconfigjson` for `oc create secret docker-registry`.
    public var type: String
    /// Key -> base64 of the value (`.dockerconfigjson`).
    public var data: [String: String]
}

/// A service account whose secret lists differ from a fresh one's, or one made with
/// `oc create serviceaccount`. Every namespace implicitly has `builder`, `default` and `deployer`
/// with their own token and dockercfg secrets; those are not stored until something is linked.
public struct SimServiceAccount: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    /// Made with `oc create serviceaccount` (deleted with `oc delete serviceaccount`).
    public var created: Bool
    /// Secrets linked for mount (`oc secrets link SA SECRET`, `.secrets`), after the account's own.
    public var mountSecrets: [String]
    /// Secrets linked for pull (`--for=pull`, `.imagePullSecrets`), after the account's own.
    public var pullSecrets: [String]
}

/// A role binding made by `oc adm policy add-role-to-user ROLE -z SA`: named after the role,
/// its subjects are service accounts of its namespace.
public struct SimRoleBinding: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var role: String
    /// Service account names (`-z`), in the order they were added.
    public var serviceAccounts: [String]
}
