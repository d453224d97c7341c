import Foundation

/// The guide's `/etc/ansible/hosts`: INI groups with `[OSEv3:children]`.
public enum AnsibleInventory {
    static let order = ["masters", "etcd", "lb", "infra", "app", "nodes", "new_etcd"]

    /// Renders groups as an INI inventory.
    public static func ini(_ groups: [String: [String]]) -> String {
        var out = """
        # Create an OSEv3 group that contains the masters, nodes, and etcd groups
        [OSEv3:children]
        masters
        nodes
        etcd
        lb
        new_etcd

        # Set variables common for all OSEv3 hosts
        [OSEv3:vars]
        ansible_ssh_user=root
        openshift_deployment_type=openshift-enterprise
        openshift_release=v3.11
        openshift_master_cluster_method=native
        openshift_master_cluster_hostname=master.example.com
        openshift_master_cluster_public_hostname=master.example.com

        """
        let infra = Set(groups["infra"] ?? []), masters = Set(groups["masters"] ?? [])
        for group in order {
            out += "\n[\(group)]\n"
            for host in groups[group] ?? [] {
                if group == "nodes" {
                    let kind = masters.contains(host) ? "master" : infra.contains(host) ? "infra" : "compute"
                    out += "\(host) openshift_node_group_name='node-config-\(kind)'\n"
                } else {
                    out += host + "\n"
                }
            }
        }
        return out
    }

    /// Host names per group of an INI inventory (`[group:children]` and `[group:vars]` sections skipped).
    public static func groups(_ text: String) -> [String: [String]] {
        var groups: [String: [String]] = [:]
        var current: String?
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                current = name.contains(":") ? nil : name
                if let current { groups[current, default: []] = groups[current] ?? [] }
                continue
            }
            if let current, let host = line.split(separator: " ").first { groups[current, default: []].append(String(host)) }
        }
        return groups
    }
}
