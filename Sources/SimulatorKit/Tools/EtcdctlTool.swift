import Foundation

/// `etcdctl` (v2 unless ETCDCTL_API=3), `etcdctl2` and `etcdctl3` (the installer's aliases with
/// certificates and the local endpoint filled in).
enum EtcdctlTool: SimTool {
    static let names = ["etcdctl", "etcdctl2", "etcdctl3"]

    static let v2Specs: [Arguments.Spec] = [
        .init("cert-file"), .init("key-file"), .init("ca-file"), .init("endpoints"), .init("peers", "C"), .init("endpoint"),
        .init("debug", value: false), .init("no-sync", value: false), .init("output", "o"), .init("timeout"),
        .init("total-timeout"), .init("username", "u"), .init("discovery-srv", "D"), .init("insecure-skip-tls-verify", value: false),
        .init("data-dir"), .init("backup-dir"), .init("help", "h", value: false),
    ]
    static let v3Specs: [Arguments.Spec] = [
        .init("cert"), .init("key"), .init("cacert"), .init("endpoints"), .init("write-out", "w"), .init("dial-timeout"),
        .init("command-timeout"), .init("insecure-skip-tls-verify", value: false), .init("debug", value: false),
        .init("peer-urls"), .init("hex", value: false), .init("user"), .init("help", "h", value: false),
        // snapshot restore
        .init("name"), .init("data-dir"), .init("wal-dir"), .init("initial-cluster"), .init("initial-cluster-token"),
        .init("initial-advertise-peer-urls"), .init("skip-hash-check", value: false),
    ]

    static func run(_ c: ToolContext) throws -> Int32 {
        let v3 = c.tool == "etcdctl3" || (c.tool == "etcdctl" && c.environment["ETCDCTL_API"] == "3")
        if RealEtcd(simDirectory: c.simDirectory).isEnabled {
            try requireContainer(c, try c.view())
            return try real(c, v3: v3)
        }
        let parsed: Arguments
        switch Arguments.parse(c.args, v3 ? v3Specs : v2Specs) {
        case .success(let a): parsed = a
        case .failure(let e):
            if v3 { throw c.etcdV3CobraExit(e.message) }
            throw c.fail("Incorrect Usage: flag provided but not defined: \(flagName(e))\n\nNAME:\n   etcdctl - A simple command line client for etcd.\n\nWARNING:\n   Environment variable ETCDCTL_API is not set; defaults to etcdctl v2.\n   Set environment variable ETCDCTL_API=3 to use v3 API or ETCDCTL_API=2 to use v2 API.")
        }
        let view = try c.view()
        try requireContainer(c, view)
        let endpoints = endpointList(c, parsed, v3: v3, view: view)
        let session = EtcdSession(c: c, args: parsed, endpoints: endpoints)
        return v3 ? try EtcdV3.run(session) : try EtcdV2.run(session)
    }

    /// On a master the 3.11 functions run etcdctl through `master-exec etcd etcd` (MasterExecTool):
    /// while the etcd pod is not running that prints "Component etcd is stopped or not running"
    /// and ends with 0 without running etcdctl (an empty member list, no health lines).
    static func requireContainer(_ c: ToolContext, _ view: ClusterView) throws {
        guard c.tool != "etcdctl", (view.state.groups["masters"] ?? []).contains(c.host) else { return }
        if case .exit(let code) = try MasterExecTool.route(c, view, component: "etcd", container: "etcd") {
            throw ToolExit(code)
        }
    }

    /// With real members (`sim init --etcd real`): the real etcdctl, run by the supervisor in
    /// this host's view with the installer's aliases spelled out (roles/etcd/templates/etcdctl.sh.j2:
    /// the peer certificate and `https://$(hostname):2379`). Plain `etcdctl` speaks v2 unless
    /// ETCDCTL_API=3, as the 3.2 client on the guide's hosts does (3.4's default is v3).
    static func real(_ c: ToolContext, v3: Bool) throws -> Int32 {
        var args = c.args
        switch c.tool {
        case "etcdctl3":
            // The function's endpoint and a caller's are both used (a string slice); the same
            // endpoint twice is one member to 3.2, but 3.4's `snapshot save` refuses two.
            let own = "https://\(c.host):2379"
            let repeated = args.contains("--endpoints=" + own) || zip(args, args.dropFirst()).contains { $0 == "--endpoints" && $1 == own }
            args = ["--cert", "/etc/etcd/peer.crt", "--key", "/etc/etcd/peer.key", "--cacert", "/etc/etcd/ca.crt"]
                + (repeated ? [] : ["--endpoints", own]) + args
        case "etcdctl2":
            args = ["--cert-file", "/etc/etcd/peer.crt", "--key-file", "/etc/etcd/peer.key", "--ca-file", "/etc/etcd/ca.crt",
                    "--endpoints", "https://\(c.host):2379"] + args
        default: break
        }
        let response = try RealEtcd(simDirectory: c.simDirectory)
            .send(.init(op: "etcdctl", host: c.host, args: args, api: v3 ? "3" : "2", cwd: workingDirectory(c)))
        c.out(response.stdout)
        c.err(response.stderr)
        return response.status
    }

    /// The working directory for a real program run in the host's view: in a step's sandbox it is a
    /// path of the host's tree; a tool run outside one (a test harness) works from the host's `/`.
    static func workingDirectory(_ c: ToolContext) -> String {
        let here = FileManager.default.currentDirectoryPath
        return here.hasPrefix("/") && c.tree.exists(here) ? here : "/"
    }

    static func flagName(_ e: ArgumentError) -> String {
        switch e {
        case .unknown(let f): "-" + f.drop { $0 == "-" }
        case .missingValue(let f): f
        }
    }

    /// `--endpoints`, `--endpoint`, `--peers`/`-C` (the v2 client's order), or the function's
    /// default (this host), or localhost.
    ///
    /// `etcdctl2`/`etcdctl3` are openshift-ansible 3.11's shell functions
    /// (roles/etcd/templates/etcdctl.sh.j2): they pass `--endpoints https://$(hostname):2379` and
    /// then the caller's arguments. etcdctl v3's `--endpoints` is a string slice (pflag appends a
    /// second one), so the caller's endpoints come after this host's, never instead of it. The
    /// v2 client (etcd 3.2.22 ctlv2 `getPeersFlagValue`) reads `--endpoints` before `--endpoint`
    /// and `--peers`, and a repeated string flag keeps its last value: a caller's `--endpoints`
    /// replaces the function's, a caller's `-C`/`--peers`/`--endpoint` is ignored.
    static func endpointList(_ c: ToolContext, _ a: Arguments, v3: Bool, view: ClusterView) -> [String] {
        let own = "https://\(c.host):2379"
        let first: String?
        switch c.tool {
        case "etcdctl3": first = nil
        case "etcdctl2": first = a["endpoints"] ?? own
        default: first = a["endpoints"] ?? a["endpoint"] ?? a["peers"]
        }
        let given = (c.tool == "etcdctl3" ? a.repeated["endpoints", default: []] : [first ?? ""])
            .flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if c.tool == "etcdctl3" { return [own] + given }
        if !given.isEmpty { return given }
        if c.tool == "etcdctl" { return ["https://\(view.state.host(c.host)?.ip ?? "127.0.0.1"):2379"] }
        return [own]
    }

    /// The etcd container's id as `docker ps` would show it (stable per host).
    static func containerID(_ host: String) -> String {
        String(format: "%012llx", UInt64(truncatingIfNeeded: host.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) }) & 0xFFFF_FFFF_FFFF)
    }
}

/// The endpoints a command talks to and what answers there.
struct EtcdSession {
    let c: ToolContext
    let args: Arguments
    let endpoints: [String]

    /// The first member that answers on one of the endpoints.
    func reachable(_ v: ClusterView) -> EtcdMember? {
        for e in endpoints {
            if let m = v.member(forEndpoint: e), v.etcdMemberUp(m) { return m }
        }
        return nil
    }

    func command() -> [String] { args.positionals }
}
