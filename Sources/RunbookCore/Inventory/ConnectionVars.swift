import RunbookYAML

/// Turns a host's resolved Ansible variables into how `runbook` reaches it.
///
/// When both spellings of a connection variable are set (`ansible_host` and `ansible_ssh_host`,
/// `ansible_user` and `ansible_ssh_user`, `ansible_port` and `ansible_ssh_port`,
/// `ansible_private_key_file` and `ansible_ssh_private_key_file`), the `ssh` one wins, whichever
/// level each was set at: ansible-core's ssh connection lists the `ssh` spelling last among an
/// option's variables, and the last one set wins (`PlayContext`'s `MAGIC_VARIABLE_MAPPING` looks
/// at the `ssh` spelling first too). Checked against ansible-core 2.19 with `ansible -vvv`.
enum ConnectionVars {
    /// Variables that say how to connect; they do not become `host.vars`.
    static let pairs: [(plain: String, ssh: String)] = [
        ("ansible_host", "ansible_ssh_host"), ("ansible_user", "ansible_ssh_user"),
        ("ansible_port", "ansible_ssh_port"), ("ansible_private_key_file", "ansible_ssh_private_key_file"),
    ]
    static let names: Set<String> = Set(pairs.flatMap { [$0.plain, $0.ssh] } + ["ansible_become", "ansible_connection"])

    static func host(_ name: String, _ vars: [String: InventoryBuilder.Var], _ ds: inout [Diagnostic]) -> InventoryHost {
        var host = InventoryHost(name: name)
        func setting(_ pair: (plain: String, ssh: String)) -> (key: String, var: InventoryBuilder.Var)? {
            if let v = vars[pair.ssh] { return (pair.ssh, v) }
            return vars[pair.plain].map { (pair.plain, $0) }
        }
        if let (_, v) = setting(pairs[0]) { host.address = v.value.description }
        if let (_, v) = setting(pairs[1]) { host.user = v.value.description }
        if let (key, v) = setting(pairs[2]) {
            if let p = Int(v.value.description), (1...65535).contains(p) { host.port = p }
            else { ds.append(.error("\(key) must be a port number (1-65535), found '\(v.value)'", at: v.location)) }
        }
        if let (_, v) = setting(pairs[3]) { host.identityFile = v.value.description }
        if let v = vars["ansible_become"] {
            switch v.value.description.lowercased() {
            case "true", "yes", "1", "on", "y", "t": host.become = true
            case "false", "no", "0", "off", "n", "f": host.become = false
            default: ds.append(.error("ansible_become must be true or false, found '\(v.value)'", at: v.location, hint: "write true or false"))
            }
        }
        if let v = vars["ansible_connection"] {
            switch v.value.description {
            case "local": host.transport = .local
            case "ssh", "smart", "paramiko": host.transport = .ssh
            case "sim": host.transport = .sim
            default: ds.append(.error("unsupported ansible_connection '\(v.value)'", at: v.location, hint: "use local, ssh or sim"))
            }
        }
        for (key, v) in vars where !names.contains(key) { host.vars[key] = v.value }
        return host
    }
}
