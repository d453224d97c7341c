import RunbookYAML

/// The shape of a simulated cluster, as written in `examples/sim/cluster.yaml`.
public struct ClusterDescription: Sendable, Hashable, Codable {
    /// A machine and the inventory groups it belongs to.
    public struct Host: Sendable, Hashable, Codable {
        /// The name (host name, node name, controller name …).
        public var name: String
        /// The address other hosts reach it at.
        public var ip: String
        /// Of `masters`, `infra`, `app`, `lb`, `new_etcd` (`etcd` and `nodes` follow from them).
        public var role: String
        /// Creates a value with every field given.
        public init(name: String, ip: String, role: String) {
            self.name = name
            self.ip = ip
            self.role = role
        }
    }

    /// The machines, in inventory order.
    public var hosts: [Host]
    /// `overlay2` or `devicemapper`.
    public var storageDriver: String
    /// Size of `/dev/vdb` (docker's disk) in MiB.
    public var dockerDiskMiB: Int
    /// Size of docker's logical volume in MiB.
    public var dockerLVMiB: Int
    /// Size of the spare `/dev/vdc` on app nodes in MiB (0: none).
    public var spareDiskMiB: Int

    /// Creates a value with every field given.
    public init(hosts: [Host], storageDriver: String = "overlay2", dockerDiskMiB: Int = 20480,
                dockerLVMiB: Int = 15360, spareDiskMiB: Int = 40960) {
        self.hosts = hosts
        self.storageDriver = storageDriver
        self.dockerDiskMiB = dockerDiskMiB
        self.dockerLVMiB = dockerLVMiB
        self.spareDiskMiB = spareDiskMiB
    }

    /// The roles a description may use, in the order hosts are listed.
    public static let roles = ["masters", "infra", "app", "lb", "new_etcd"]

    /// The guide's example: 3 masters with etcd, 3 infra nodes, 3 app nodes, haproxy, a spare etcd host.
    public static let `default` = ClusterDescription(hosts: [
        Host(name: "master-0.example.com", ip: "192.168.55.8", role: "masters"),
        Host(name: "master-1.example.com", ip: "192.168.55.12", role: "masters"),
        Host(name: "master-2.example.com", ip: "192.168.55.13", role: "masters"),
        Host(name: "infra-node-0.example.com", ip: "192.168.55.21", role: "infra"),
        Host(name: "infra-node-1.example.com", ip: "192.168.55.22", role: "infra"),
        Host(name: "infra-node-2.example.com", ip: "192.168.55.23", role: "infra"),
        Host(name: "node-0.example.com", ip: "192.168.55.31", role: "app"),
        Host(name: "node-1.example.com", ip: "192.168.55.32", role: "app"),
        Host(name: "node-2.example.com", ip: "192.168.55.33", role: "app"),
        Host(name: "lb.example.com", ip: "192.168.55.5", role: "lb"),
        Host(name: "new-etcd-0.example.com", ip: "192.168.55.20", role: "new_etcd"),
    ])

    /// Hosts with a role.
    public func hosts(_ role: String) -> [Host] { hosts.filter { $0.role == role } }
}

extension ClusterDescription {
    /// Reads a cluster description file.
    /// - Throws: `DiagnosticError` with every problem found, each at its `file:line:column`.
    public static func load(contentsOf path: String) throws(DiagnosticError) -> ClusterDescription {
        let root = try YAMLParser().parse(contentsOf: path)
        return try parse(root)
    }

    /// Builds a description from a parsed YAML document.
    /// - Throws: `DiagnosticError` listing every unknown key, missing field or bad value.
    public static func parse(_ root: Node) throws(DiagnosticError) -> ClusterDescription {
        var errors: [Diagnostic] = []
        var result = ClusterDescription(hosts: [])
        guard let pairs = root.pairs else {
            throw DiagnosticError(.error("expected a mapping with 'hosts' and 'storage', found \(root.kindName)",
                                         at: root.location))
        }
        for pair in pairs {
            switch pair.key.text ?? "" {
            case "hosts": parseHosts(pair.value, into: &result, errors: &errors)
            case "storage": parseStorage(pair.value, into: &result, errors: &errors)
            default:
                errors.append(.error("unknown key '\(pair.key.text ?? "")'", at: pair.key.location,
                                     hint: "a cluster description has 'hosts' and 'storage'"))
            }
        }
        if result.hosts(hostRole: "masters").isEmpty, errors.isEmpty {
            errors.append(.error("the cluster needs at least one host with role 'masters'", at: root.location))
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return result
    }

    private func hosts(hostRole: String) -> [Host] { hosts(hostRole) }

    private static func parseHosts(_ node: Node, into result: inout ClusterDescription, errors: inout [Diagnostic]) {
        guard let items = node.items else {
            errors.append(.error("'hosts' must be a list, found \(node.kindName)", at: node.location))
            return
        }
        for item in items {
            guard let pairs = item.pairs else {
                errors.append(.error("a host must be a mapping with name, ip and role, found \(item.kindName)",
                                     at: item.location))
                continue
            }
            var name: String?, ip: String?, role: String?
            var roleSeen = false
            for pair in pairs {
                let key = pair.key.text ?? ""
                guard ["name", "ip", "role"].contains(key) else {
                    errors.append(.error("unknown host key '\(key)'", at: pair.key.location,
                                         hint: "a host has 'name', 'ip' and 'role'"))
                    continue
                }
                guard let text = pair.value.text, !text.isEmpty else {
                    errors.append(.error("'\(key)' must be a string, found \(pair.value.kindName)", at: pair.value.location))
                    continue
                }
                switch key {
                case "name": name = text
                case "ip": ip = text
                default:
                    roleSeen = true
                    if roles.contains(text) { role = text } else {
                        errors.append(.error("unknown role '\(text)'", at: pair.value.location,
                                             hint: "expected one of: \(roles.joined(separator: ", "))"))
                    }
                }
            }
            if let name, let ip, let role {
                if result.hosts.contains(where: { $0.name == name }) {
                    errors.append(.error("host '\(name)' is listed twice", at: item.location))
                } else {
                    result.hosts.append(Host(name: name, ip: ip, role: role))
                }
            } else if name == nil || ip == nil || !roleSeen {
                errors.append(.error("a host needs 'name', 'ip' and 'role'", at: item.location))
            }
        }
    }

    private static func parseStorage(_ node: Node, into result: inout ClusterDescription, errors: inout [Diagnostic]) {
        guard let pairs = node.pairs else {
            errors.append(.error("'storage' must be a mapping, found \(node.kindName)", at: node.location))
            return
        }
        for pair in pairs {
            let key = pair.key.text ?? ""
            if key == "driver" {
                if let d = pair.value.text, ["overlay2", "devicemapper"].contains(d) { result.storageDriver = d } else {
                    errors.append(.error("'driver' must be overlay2 or devicemapper", at: pair.value.location))
                }
                continue
            }
            guard ["docker_disk_mib", "docker_lv_mib", "spare_disk_mib"].contains(key) else {
                errors.append(.error("unknown storage key '\(key)'", at: pair.key.location,
                                     hint: "expected driver, docker_disk_mib, docker_lv_mib or spare_disk_mib"))
                continue
            }
            guard let text = pair.value.text, let n = Int(text), n >= 0 else {
                errors.append(.error("'\(key)' must be a number of MiB, found \(pair.value.kindName)",
                                     at: pair.value.location))
                continue
            }
            switch key {
            case "docker_disk_mib": result.dockerDiskMiB = n
            case "docker_lv_mib": result.dockerLVMiB = n
            default: result.spareDiskMiB = n
            }
        }
        if result.dockerLVMiB > result.dockerDiskMiB - 4 {
            errors.append(.error("docker_lv_mib (\(result.dockerLVMiB)) must fit on the docker disk (\(result.dockerDiskMiB) MiB)",
                                 at: node.location))
        }
    }
}
