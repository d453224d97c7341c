/// Hosts and groups a runbook's steps run on: from a YAML inventory or an Ansible INI inventory.
public struct Inventory: Sendable, Hashable {
    /// Hosts in the order they were first declared.
    public var hosts: [InventoryHost] { didSet { reindex() } }
    /// Position of each host by name, so lookups stay constant-time for 20,000-host inventories.
    private var positions: [String: Int] = [:]
    /// Group name to host names, each in declaration order (`[group:children]` already flattened).
    public var groups: [String: [String]]
    /// The file it was read from, if any.
    public var file: String?
    /// Each group as written: its own hosts and child groups, in order (Ansible's `--list` shape).
    /// Filled for Ansible inventories (INI and Ansible YAML).
    public var tree: [String: InventoryGroup] = [:]
    /// Group names in the order Ansible creates them (`all`, `ungrouped`, then as first seen).
    public var groupOrder: [String] = []

    public init(hosts: [InventoryHost] = [], groups: [String: [String]] = [:], file: String? = nil) {
        self.hosts = hosts
        self.groups = groups
        self.file = file
        reindex()
    }

    private mutating func reindex() {
        positions = [:]
        positions.reserveCapacity(hosts.count)
        for (i, h) in hosts.enumerated() where positions[h.name] == nil { positions[h.name] = i }
    }

    /// The empty inventory: every step runs on the local machine.
    public static let empty = Inventory()

    /// The host with this name.
    public func host(_ name: String) -> InventoryHost? { positions[name].map { hosts[$0] } }

    /// The hosts of a group, in order; nil if there is no such group.
    public func members(of group: String) -> [InventoryHost]? {
        groups[group].map { $0.compactMap(host) }
    }
}

/// One group as an Ansible inventory writes it.
public struct InventoryGroup: Sendable, Hashable {
    /// Hosts put in this group directly, in order.
    public var hosts: [String]
    /// Child groups, in order.
    public var children: [String]
    /// `ansible_group_priority` (default 1): orders the variables of groups at the same depth.
    public var priority: Int

    public init(hosts: [String] = [], children: [String] = [], priority: Int = 1) {
        self.hosts = hosts
        self.children = children
        self.priority = priority
    }
}

/// One machine: how to reach it and its variables.
public struct InventoryHost: Sendable, Hashable, Codable {
    /// How commands reach the host.
    public enum TransportKind: String, Sendable, Hashable, Codable {
        case local, ssh, sim
    }

    public var name: String
    /// Address to connect to (`ansible_host`); defaults to the name.
    public var address: String
    public var transport: TransportKind
    public var user: String?
    public var port: Int?
    /// `ansible_ssh_private_key_file`.
    public var identityFile: String?
    /// Run commands through `sudo` (`ansible_become`).
    public var become: Bool
    /// Every other variable, available as `host.vars.<name>`.
    public var vars: [String: Value]

    public init(name: String, address: String? = nil, transport: TransportKind = .ssh, user: String? = nil,
                port: Int? = nil, identityFile: String? = nil, become: Bool = false, vars: [String: Value] = [:]) {
        self.name = name
        self.address = address ?? name
        self.transport = transport
        self.user = user
        self.port = port
        self.identityFile = identityFile
        self.become = become
        self.vars = vars
    }

    /// The machine running `runbook` itself.
    public static let local = InventoryHost(name: "localhost", transport: .local)
}
