import Foundation

/// `yum install|update|remove` and the units packages bring.
enum YumTool: SimTool {
    static let names = ["yum"]

    static let catalogue = [
        "etcd": "etcd-3.2.22-1.el7.x86_64", "iptables-services": "iptables-services-1.4.21-28.el7.x86_64",
        "haproxy": "haproxy-1.5.18-8.el7.x86_64", "docker": "docker-1.13.1-88.git07f3374.el7.x86_64",
        "flannel": "flannel-0.7.1-4.el7.x86_64", "atomic-openshift-node": "atomic-openshift-node-3.11.43-1.git.0.647ac05.el7.x86_64",
        "chrony": "chrony-3.2-2.el7.x86_64", "rng-tools": "rng-tools-6.3.1-3.el7.x86_64",
    ]
    static let units = ["etcd": "etcd", "iptables-services": "iptables", "haproxy": "haproxy", "flannel": "flanneld",
                        "chrony": "chronyd", "rng-tools": "rngd"]

    /// What the simulated repositories hold as full builds: the catalogue and every package a
    /// host starts with.
    static let repository = Set(catalogue.values).union(ClusterState.basePackages + ClusterState.nodePackages
                                                         + ClusterState.masterPackages + ClusterState.lbPackages)

    /// The NAME of NAME-VERSION-RELEASE.ARCH, or nil when the word is not such a full name.
    static func nameOfFullPackage(_ word: String) -> String? {
        guard [".x86_64", ".noarch", ".i686"].contains(where: word.hasSuffix) else { return nil }
        let parts = word.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 2].first?.isNumber == true else { return nil }
        return parts.dropLast(2).joined(separator: "-")
    }

    static func run(_ c: ToolContext) throws -> Int32 {
        let words = c.args.filter { !$0.hasPrefix("-") }
        guard let verb = words.first else { throw c.fail("You need to give some command") }
        let packages = Array(words.dropFirst())
        switch verb {
        case "install", "update", "upgrade":
            return try c.update { v in
                guard let h = v.state.hostIndex(c.host) else { return 0 }
                var installed: [String] = []
                // yum cli.py `installPkgs`: an argument is "done" when it matched a package, installed
                // or already installed; with none done, install ends "Error: Nothing to do", exit 1.
                var done = false
                for p in packages {
                    if verb == "install", let name = Self.nameOfFullPackage(p) {
                        // NAME-VERSION-RELEASE.ARCH (a line of `rpm -qa`): exactly that build.
                        if v.state.hosts[h].packages.contains(p) {
                            c.out("Package \(p) already installed and latest version\n")
                            done = true
                        } else if Self.repository.contains(p) {
                            v.state.hosts[h].packages.append(p)
                            v.state.hosts[h].packages.sort()
                            if let unit = units[name], v.state.hosts[h].services[unit] == nil {
                                v.state.hosts[h].services[unit] = ServiceState(active: false, enabled: false)
                            }
                            installed.append(p)
                            done = true
                        } else {
                            c.out("No package \(p) available.\n")
                        }
                        continue
                    }
                    let name = p.split(separator: "-").count > 2 ? p : p
                    if v.state.hosts[h].packages.contains(where: { $0.hasPrefix(name + "-") && $0.dropFirst(name.count + 1).first?.isNumber == true }) {
                        if verb == "install" { c.out("Package \(catalogue[name] ?? name) already installed and latest version\n") }
                        done = true
                        continue
                    }
                    guard let full = catalogue[name] else {
                        if verb == "install" { c.out("No package \(name) available.\n") }
                        continue
                    }
                    if verb != "install" { continue }
                    v.state.hosts[h].packages.append(full)
                    v.state.hosts[h].packages.sort()
                    if let unit = units[name], v.state.hosts[h].services[unit] == nil {
                        v.state.hosts[h].services[unit] = ServiceState(active: false, enabled: false)
                    }
                    installed.append(full)
                    done = true
                    if name == "etcd", !c.tree.exists("/etc/etcd/etcd.conf") {
                        let ip = v.state.hosts[h].ip
                        try c.tree.write("/etc/etcd/etcd.conf", EtcdFiles.conf(name: "default", ip: ip,
                                                                               initialCluster: "default=https://\(ip):2380", state: "new"))
                        try c.tree.makeDirectory("/var/lib/etcd")
                    }
                }
                if verb == "install", !done, !packages.isEmpty {
                    c.err("Error: Nothing to do\n")
                    return 1
                }
                if installed.isEmpty {
                    c.out(verb == "install" ? "Nothing to do\n" : "No packages marked for update\n")
                    return 0
                }
                c.out("Loaded plugins: product-id, search-disabled-repos, subscription-manager\nResolving Dependencies\n")
                c.out("\nInstalled:\n" + installed.map { "  \($0)\n" }.joined() + "\nComplete!\n")
                return 0
            }
        case "remove", "erase":
            return try c.update { v in
                guard let h = v.state.hostIndex(c.host) else { return 0 }
                for p in packages { v.state.hosts[h].packages.removeAll { $0.hasPrefix(p + "-") } }
                c.out("Complete!\n")
                return 0
            }
        case "repolist":
            c.out("repo id                               repo name\nrhel-7-server-extras-rpms/x86_64     Red Hat Enterprise Linux 7 Server - Extras (RPMs)\nrhel-7-server-ose-3.11-rpms/x86_64   Red Hat OpenShift Container Platform 3.11 (RPMs)\nrhel-7-server-rpms/7Server/x86_64    Red Hat Enterprise Linux 7 Server (RPMs)\n")
            return 0
        default:
            throw c.fail("No such command: \(verb). Please use /usr/bin/yum --help")
        }
    }
}
