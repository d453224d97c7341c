import Foundation

/// `/etc/containers/registries.conf` as openshift-ansible release-3.11 writes it
/// (`roles/container_runtime/templates/registries.conf.j2`: TOML, three tables of one
/// `registries` list each) and as docker 1.13 (RHEL 7) reads it when it starts. What docker
/// loaded at its last start is kept in `/var/run/docker-registries.sim` (like the live iptables
/// rules): `docker info` shows that, not the file.
enum RegistriesConf {
    static let path = "/etc/containers/registries.conf"
    static let livePath = "/var/run/docker-registries.sim"
    static let tables = ["registries.search", "registries.insecure", "registries.block"]

    /// The installer's file with registry.redhat.io and docker.io to search, nothing insecure
    /// or blocked.
    static let initial = """
        # This is a system-wide configuration file used to
        # keep track of registries for various container backends.
        # It adheres to TOML format and does not support recursive
        # lists of registries.

        # The default location for this configuration file is /etc/containers/registries.conf.

        # The only valid categories are: 'registries.search', 'registries.insecure',
        # and 'registries.block'.

        [registries.search]
        registries = ["registry.redhat.io", "docker.io"]


        # If you need to access insecure registries, add the registry's fully-qualified name.
        # An insecure registry is one that does not have a valid SSL certificate or only does HTTP.
        [registries.insecure]
        registries = []


        # If you need to block pull access from a registry, uncomment the section below
        # and add the registries fully-qualified name.
        #
        # Docker only
        [registries.block]
        registries = []

        """

    /// Writes the installer's file and what the running docker loaded from it.
    static func writeInitial(_ tree: HostTree) throws(SimError) {
        try tree.write(path, initial)
        guard load(tree) else { throw SimError.io("\(path): the initial file does not parse") }
    }

    /// The lists per table, or nil when the file is not TOML of that shape (an unknown table or
    /// key, a list that is not one line of quoted strings, a table given twice).
    static func parse(_ text: String) -> [String: [String]]? {
        var result: [String: [String]] = [:]
        var table: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { return nil }
                let name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard tables.contains(name), result[name] == nil else { return nil }
                table = name
                result[name] = []
                continue
            }
            guard let t = table, let eq = line.firstIndex(of: "=") else { return nil }
            guard line[..<eq].trimmingCharacters(in: .whitespaces) == "registries" else { return nil }
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard value.hasPrefix("["), value.hasSuffix("]") else { return nil }
            let inner = value.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            var items: [String] = []
            if !inner.isEmpty {
                for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
                    let quoted = item.trimmingCharacters(in: .whitespaces)
                    guard quoted.count >= 2, let q = quoted.first, q == "\"" || q == "'", quoted.last == q else { return nil }
                    let name = String(quoted.dropFirst().dropLast())
                    guard !name.isEmpty, !name.contains(where: { $0 == "\"" || $0 == "'" || $0 == " " }) else { return nil }
                    items.append(name)
                }
            }
            result[t] = items
        }
        return result
    }

    /// Docker's start: reads the file (absent: docker's defaults, nothing extra) and records
    /// what it loaded; false when the file does not parse (docker exits, the unit fails).
    static func load(_ tree: HostTree) -> Bool {
        var lists: [String: [String]] = [:]
        if let text = tree.read(path) {
            guard let parsed = parse(text) else { return false }
            lists = parsed
        }
        let live = tables.map { "\($0)=\((lists[$0] ?? []).joined(separator: " "))\n" }.joined()
        return (try? tree.write(livePath, live)) != nil
    }

    /// `docker info`'s registry lines for what docker loaded at its last start.
    static func info(_ tree: HostTree) -> String {
        let live = tree.variables(livePath)
        func list(_ t: String) -> [String] { (live[t] ?? "").split(separator: " ").map(String.init) }
        let insecure = list("registries.insecure")
        var text = "Insecure Registries:\n" + (insecure + ["127.0.0.0/8"]).map { " \($0)\n" }.joined()
        let search = list("registries.search")
        if !search.isEmpty {
            text += "Registries: " + search.map { "\($0) (\(insecure.contains($0) ? "insecure" : "secure"))" }.joined(separator: ", ") + "\n"
        }
        return text
    }
}
