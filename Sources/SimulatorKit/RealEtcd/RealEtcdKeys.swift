import Foundation

extension RealEtcd {
    /// The value of `key` in the real cluster (a v3 `get` through every member host's endpoint,
    /// a quorum read), nil when the key does not exist.
    ///
    /// With real members, `etcdctl put` goes to the real cluster and the simulated model's
    /// `etcdData` stays as it was: a scenario's `etcd_key` check (a restore really rolled the
    /// data back) must read the real one.
    /// - Throws: `SimError.io` when no member answers (no quorum, supervisor gone).
    public func value(ofKey key: String, state: ClusterState) throws(SimError) -> String? {
        let hosts = Self.memberHosts(state)
        guard let first = hosts.first else { throw SimError.io("no etcd member host to read \(key) from") }
        let args = ["--cacert", "/etc/etcd/ca.crt", "--cert", "/etc/etcd/peer.crt", "--key", "/etc/etcd/peer.key",
                    "--dial-timeout", "1s", "--command-timeout", "5s",
                    "--endpoints", hosts.map { "https://\($0):2379" }.joined(separator: ","),
                    "get", key, "--print-value-only"]
        let response = try send(Request(op: "etcdctl", host: first, args: args))
        guard response.status == 0 else { throw SimError.io("etcdctl get \(key) failed: \(response.stderr)") }
        // `--print-value-only` prints the value and a newline, nothing for a missing key.
        guard response.stdout.hasSuffix("\n") else { return nil }
        return String(response.stdout.dropLast())
    }
}
