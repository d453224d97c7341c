import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension RealEtcd {
    /// The hosts that get real certificates and a loopback address: every etcd, new_etcd and
    /// master host.
    static func memberHosts(_ state: ClusterState) -> [String] {
        var hosts: [String] = []
        for group in ["etcd", "new_etcd", "masters"] {
            for h in state.groups[group] ?? [] where !hosts.contains(h) { hosts.append(h) }
        }
        return hosts
    }

    /// Prepares a fresh simulator for real members: loopback addresses, real certificates (an
    /// etcd CA in the first etcd host's `/etc/etcd/ca`, `ca.crt`, `server.*`, `peer.*` on every
    /// member host, made with openssl), empty data directories; then starts the supervisor and
    /// waits until every member answers healthy. Returns how long the members took.
    func setUp(state: ClusterState, toolPath: String) throws(SimError) -> Duration {
        let fm = FileManager.default
        let hosts = Self.memberHosts(state)
        do {
            try fm.createDirectory(atPath: directory + "/ca", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: logsDirectory, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: pidsDirectory, withIntermediateDirectories: true)
        } catch { throw SimError.io("cannot create \(directory): \(error)") }
        let addresses = try Self.allocateAddresses(hosts)
        let ca = directory + "/ca"
        try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", ca + "/ca.key", "-out", ca + "/ca.crt", "-days", "3650", "-subj", "/CN=etcd-signer"])
        for host in hosts {
            let tree = HostTree(simDirectory: simDirectory, host: host)
            try issueCertificates(tree: tree, host: host, ip: state.host(host)?.ip ?? "127.0.0.1",
                                       loopback: addresses[host] ?? "127.0.0.1", caDirectory: ca)
            // A data directory without the simulated database: real etcd makes its own.
            try? fm.removeItem(atPath: tree.real("/var/lib/etcd"))
            try tree.makeDirectory("/var/lib/etcd")
        }
        if let first = (state.groups["etcd"] ?? []).first ?? state.groups["masters"]?.first {
            let tree = HostTree(simDirectory: simDirectory, host: first)
            try copy(ca + "/ca.crt", to: tree.real("/etc/etcd/ca/ca.crt"))
            try copy(ca + "/ca.key", to: tree.real("/etc/etcd/ca/ca.key"))
            // A real openssl.cnf for the guide's `openssl req|ca` (5.4.4.2), run by the real openssl.
            try tree.write("/etc/etcd/ca/openssl.cnf", Self.caConfig)
            try tree.makeDirectory("/etc/etcd/ca/certs")
            try tree.makeDirectory("/etc/etcd/ca/crl")
        }
        do {
            try JSONEncoder().encode(addresses).write(to: URL(fileURLWithPath: addressesPath))
        } catch { throw SimError.io("cannot write \(addressesPath): \(error)") }
        let clock = ContinuousClock()
        let began = clock.now
        try startSupervisor(toolPath: toolPath)
        let sync = try send(Request(op: "sync"))
        guard sync.status == 0 else { throw SimError.io("real etcd members did not start:\n\(sync.stderr)") }
        try waitHealthy(state: state)
        return clock.now - began
    }

    func copy(_ from: String, to: String) throws(SimError) {
        unlink(to)
        do { try FileManager.default.copyItem(atPath: from, toPath: to) } catch { throw SimError.io("cannot copy \(from): \(error)") }
    }

    /// Waits (at most 20 s) until every started member answers `endpoint health`.
    func waitHealthy(state: ClusterState) throws(SimError) {
        let hosts = Self.memberHosts(state).filter { h in state.etcdMembers.contains { $0.host == h } }
        guard let first = hosts.first else { return }
        let endpoints = hosts.map { "https://\($0):2379" }.joined(separator: ",")
        var last = Response(status: 1)
        for _ in 0..<100 {
            last = try send(Request(op: "etcdctl", host: first,
                                    args: ["--cacert", "/etc/etcd/ca.crt", "--cert", "/etc/etcd/peer.crt", "--key", "/etc/etcd/peer.key",
                                           "--endpoints", endpoints, "--dial-timeout", "1s", "--command-timeout", "2s",
                                           "endpoint", "health"], api: "3"))
            if last.status == 0 { return }
            usleep(200_000)
        }
        throw SimError.io("real etcd members are not healthy after 20 s:\n\(last.stderr)")
    }

    /// Starts `runbook-sim etcd-supervisor DIR` in a session of its own (it outlives the
    /// command that starts it), logging to `supervisor.log`.
    func startSupervisor(toolPath: String) throws(SimError) {
        if supervisorPid != nil { return }
        // posix_spawn and waitpid, closing every other descriptor: Foundation's `Process` sees its
        // child end by EOF on a descriptor the child inherits, and would wait for the supervisor.
        let logPath = directory + "/supervisor.log"
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else is inherited: a caller waiting for EOF on a pipe it gave `runbook` (as
        // Foundation's Process does to see its child end) would otherwise wait for the supervisor.
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        let argv = ["/usr/bin/setsid", "-f", toolPath, "etcd-supervisor", simDirectory]
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { Glibc.free(a) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else {
            throw SimError.io("cannot start the real etcd supervisor (setsid)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        for _ in 0..<1000 {
            if supervisorPid != nil, FileManager.default.fileExists(atPath: socketPath) { return }
            usleep(10_000)
        }
        throw SimError.io("the real etcd supervisor did not start; see \(logPath)")
    }

    /// Restarts the supervisor of an enabled simulator when it is gone (after cleaning the
    /// members it left). Returns notices.
    public func ensureRunning(toolPath: String) throws(SimError) -> [String] {
        guard isEnabled, supervisorPid == nil else { return [] }
        var notices = cleanStale()
        try startSupervisor(toolPath: toolPath)
        _ = try send(Request(op: "sync"))
        notices.append("restarted the real etcd supervisor")
        return notices
    }

    /// One loopback address per host, 127.R.S.n with R and S random, each free on 2379 and 2380.
    static func allocateAddresses(_ hosts: [String]) throws(SimError) -> [String: String] {
        for _ in 0..<50 {
            let r = Int.random(in: 1...250), s = Int.random(in: 0...255)
            var map: [String: String] = [:]
            for (i, host) in hosts.enumerated() { map[host] = "127.\(r).\(s).\(i + 1)" }
            if map.values.allSatisfy({ free($0, 2379) && free($0, 2380) }) { return map }
        }
        throw SimError.io("no free loopback addresses for the real etcd members")
    }

    static func free(_ address: String, _ port: UInt16) -> Bool {
        LoopbackSocket.succeeds(address: address, port: port, bind)
    }

    /// A member host's `/etc/etcd/ca.crt`, `server.{crt,key}` and `peer.{crt,key}`, signed by the CA
    /// in `caDirectory` (`ca.crt`, `ca.key`), with the host's name, IP, loopback address and
    /// 127.0.0.1 (the source address of peer connections, which etcd checks against a peer's
    /// client certificate) as subject alternative names. Used by `sim init` and, in a rehearsal,
    /// by the simulated scaleup playbook.
    func issueCertificates(tree: HostTree, host: String, ip: String, loopback: String, caDirectory ca: String) throws(SimError) {
        try tree.makeDirectory("/etc/etcd")
        // A configuration of its own: a step's sandbox has no /etc/ssl/openssl.cnf.
        let config = directory + "/request.cnf"
        if !FileManager.default.fileExists(atPath: config) {
            do { try Data("[ req ]\ndistinguished_name = dn\n[ dn ]\n".utf8).write(to: URL(fileURLWithPath: config)) } catch {
                throw SimError.io("cannot write \(config): \(error)")
            }
        }
        let san = "subjectAltName=DNS:\(host),IP:\(ip),IP:\(loopback),IP:127.0.0.1"
        for kind in ["server", "peer"] {
            try Self.openssl(["req", "-config", config, "-x509", "-CA", ca + "/ca.crt", "-CAkey", ca + "/ca.key", "-newkey", "ec",
                         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650",
                         "-keyout", tree.real("/etc/etcd/\(kind).key"), "-out", tree.real("/etc/etcd/\(kind).crt"),
                         "-subj", "/CN=\(host)", "-addext", san, "-addext", "extendedKeyUsage=serverAuth,clientAuth"])
        }
        unlink(tree.real("/etc/etcd/ca.crt"))
        do { try FileManager.default.copyItem(atPath: ca + "/ca.crt", toPath: tree.real("/etc/etcd/ca.crt")) } catch {
            throw SimError.io("cannot copy \(ca)/ca.crt: \(error)")
        }
    }

    /// `SAN` for the real openssl (the guide's `IP:${NEW_ETCD_IP}, DNS:${NEW_ETCD_HOSTNAME}`): each
    /// simulated host's IP gets that host's loopback address and 127.0.0.1 beside it, so the
    /// certificate works where the real member listens and connects from.
    static func realSAN(_ san: String, state: ClusterState, addresses: [String: String]) -> String {
        var extra: [String] = []
        for entry in san.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where entry.hasPrefix("IP:") {
            let ip = String(entry.dropFirst(3))
            if let host = state.hosts.first(where: { $0.ip == ip }), let loopback = addresses[host.name] {
                extra += ["IP:" + loopback, "IP:127.0.0.1"]
            }
        }
        var seen: Set<String> = []
        let added = extra.filter { seen.insert($0).inserted && !san.contains($0 + ",") && !san.hasSuffix($0) }
        return added.isEmpty ? san : san + ", " + added.joined(separator: ", ")
    }

    /// The etcd CA's openssl.cnf as openshift-ansible release-3.11 assembles it
    /// (roles/etcd/tasks/certificates/deploy_ca.yml, templates/openssl_append.j2): the request and
    /// signing sections the etcd certificates use, with a `[ req ]` part of our own.
    static let caConfig = """
        # etcd CA configuration (simulator, --etcd real): the sections of openshift-ansible 3.11's
        # /etc/etcd/ca/openssl.cnf that `openssl req|ca` use for etcd certificates.
        [ req ]
        default_bits       = 2048
        default_md         = sha256
        distinguished_name = req_distinguished_name

        [ req_distinguished_name ]

        [ etcd_v3_req ]
        basicConstraints = critical,CA:FALSE
        keyUsage         = digitalSignature,keyEncipherment
        subjectAltName   = ${ENV::SAN}

        [ etcd_ca ]
        dir             = /etc/etcd/ca
        crl_dir         = /etc/etcd/ca/crl
        database        = /etc/etcd/ca/index.txt
        new_certs_dir   = /etc/etcd/ca/certs
        certificate     = /etc/etcd/ca/ca.crt
        serial          = /etc/etcd/ca/serial
        private_key     = /etc/etcd/ca/ca.key
        crl_number      = /etc/etcd/ca/crl_number
        x509_extensions = etcd_v3_ca_client
        default_days    = 1825
        default_md      = sha256
        preserve        = no
        name_opt        = ca_default
        cert_opt        = ca_default
        policy          = policy_anything
        unique_subject  = no
        copy_extensions = copy

        [ policy_anything ]
        commonName = supplied

        [ etcd_v3_ca_peer ]
        authorityKeyIdentifier = keyid,issuer:always
        basicConstraints       = critical,CA:FALSE
        extendedKeyUsage       = clientAuth,serverAuth
        keyUsage               = digitalSignature,keyEncipherment
        subjectKeyIdentifier   = hash

        [ etcd_v3_ca_server ]
        authorityKeyIdentifier = keyid,issuer:always
        basicConstraints       = critical,CA:FALSE
        extendedKeyUsage       = serverAuth,clientAuth
        keyUsage               = digitalSignature,keyEncipherment
        subjectKeyIdentifier   = hash

        [ etcd_v3_ca_client ]
        authorityKeyIdentifier = keyid,issuer:always
        basicConstraints       = critical,CA:FALSE
        extendedKeyUsage       = clientAuth
        keyUsage               = digitalSignature,keyEncipherment
        subjectKeyIdentifier   = hash

        """

    static func openssl(_ arguments: [String]) throws(SimError) {
        // The real one by path: in a step's sandbox `openssl` on PATH is the simulated tool.
        guard let result = SandboxCommand.capture(["/usr/bin/openssl"] + arguments), result.status == 0 else {
            throw SimError.io("openssl \(arguments.prefix(2).joined(separator: " ")) failed")
        }
    }
}

extension RealEtcd {
    /// The etcd part of `runbook sim state`, read from the real cluster: `member list` and
    /// each member host's `endpoint health` (a quorum read: one healthy endpoint means quorum).
    func summary(_ state: ClusterState) -> String {
        let hosts = Self.memberHosts(state)
        guard let first = hosts.first else { return "" }
        let tls = ["--cacert", "/etc/etcd/ca.crt", "--cert", "/etc/etcd/peer.crt", "--key", "/etc/etcd/peer.key",
                   "--dial-timeout", "1s", "--command-timeout", "2s"]
        let endpoints = hosts.map { "https://\($0):2379" }.joined(separator: ",")
        let list = (try? send(Request(op: "etcdctl", host: first, args: tls + ["--endpoints", endpoints, "member", "list", "-w", "table"])))
            ?? Response(status: 1, stderr: "the real etcd supervisor does not answer\n")
        var health: [String] = []
        var healthy = 0
        // The hosts with a member: in the simulated model, or running one the real member list
        // names (a joined new host). A running process alone is no member: a removed member's
        // etcd exits on its own a moment later, and was counted as a down member until then.
        let running = memberPids()
        let listed = list.status == 0 ? list.stdout : ""
        for host in hosts where state.etcdMembers.contains(where: { $0.host == host })
            || (running[host] != nil && listed.contains(" \(host) ")) {
            let r = (try? send(Request(op: "etcdctl", host: first,
                                       args: tls + ["--endpoints", "https://\(host):2379", "endpoint", "health"])))
                ?? Response(status: 1)
            if r.status == 0 { healthy += 1 }
            health.append("  \(host): " + (r.status == 0 ? "healthy" : "unhealthy or down"))
        }
        var out = "\netcd members (real etcd 3.4, quorum: \(healthy > 0 ? "yes" : "NO"), \(healthy)/\(health.count) member hosts healthy):\n"
        out += list.status == 0 ? list.stdout : "  member list failed: " + list.stderr
        return out + health.joined(separator: "\n") + "\n"
    }
}

extension RealEtcd {
    /// Makes the real members follow the simulated state now (after `sim fault`, for one).
    public func sync() throws(SimError) {
        guard isEnabled else { return }
        let r = try send(Request(op: "sync"))
        if r.status != 0 { throw SimError.io(r.stderr) }
    }
}
