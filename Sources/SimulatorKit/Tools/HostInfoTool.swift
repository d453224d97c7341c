import Foundation

/// `hostname`, `ip`, `timedatectl`, `restorecon`, `update-ca-trust`: answers about the host itself.
enum HostInfoTool: SimTool {
    static let names = ["hostname", "ip", "timedatectl", "restorecon", "update-ca-trust"]

    static func run(_ c: ToolContext) throws -> Int32 {
        let host = try c.view().state.host(c.host)
        let ip = host?.ip ?? "127.0.0.1"
        switch c.tool {
        case "hostname":
            if c.args.contains("-i") || c.args.contains("-I") { c.out(ip + "\n") }
            else if c.args.contains("-s") { c.out(String(c.host.split(separator: ".").first ?? "") + "\n") }
            else { c.out(c.host + "\n") }
            return 0
        case "ip":
            let words = c.args.filter { !$0.hasPrefix("-") }
            guard let object = words.first, ["a", "addr", "address", "r", "route", "link"].contains(object) else {
                throw c.fail("Object \"\(words.first ?? "")\" is unknown, try \"ip help\".", code: 255)
            }
            if object.hasPrefix("r") {
                c.out("default via 192.168.55.1 dev eth0 proto dhcp metric 100\n192.168.55.0/24 dev eth0 proto kernel scope link src \(ip) metric 100\n")
            } else {
                c.out("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000\n    inet \(ip)/24 brd 192.168.55.255 scope global noprefixroute dynamic eth0\n       valid_lft 86011sec preferred_lft 86011sec\n")
            }
            return 0
        case "timedatectl":
            c.out("      Local time: Fri 2026-11-27 09:12:31 UTC\n  Universal time: Fri 2026-11-27 09:12:31 UTC\n        RTC time: Fri 2026-11-27 09:12:31\n       Time zone: UTC (UTC, +0000)\n     NTP enabled: yes\nNTP synchronized: yes\n RTC in local TZ: no\n      DST active: n/a\n")
            return 0
        case "restorecon":
            guard c.args.contains(where: { !$0.hasPrefix("-") }) else {
                throw c.fail("usage:  restorecon [-iIDFnprRv0] [-e excludedir] pathname...")
            }
            return 0
        default:
            return 0
        }
    }
}

/// `docker ps|info|images|version`: needs the docker unit running.
enum DockerTool: SimTool {
    static let names = ["docker"]

    static func run(_ c: ToolContext) throws -> Int32 {
        let view = try c.view()
        guard let verb = c.args.first else { c.out("Usage:\tdocker COMMAND\n"); return 0 }
        if verb == "version" && !view.serviceActive(c.host, "docker") {
            c.out("Client:\n Version:         1.13.1\n")
        }
        guard view.serviceActive(c.host, "docker") else {
            throw c.fail("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
        }
        let storage = view.state.host(c.host)?.storage
        switch verb {
        case "info":
            c.out("Containers: 12\n Running: 12\nImages: 9\nServer Version: 1.13.1\nStorage Driver: \(storage?.driver ?? "overlay2")\n Backing Filesystem: xfs\n")
            c.out("Cgroup Driver: systemd\nKernel Version: 3.10.0-957.el7.x86_64\nOperating System: Red Hat Enterprise Linux Server 7.6 (Maipo)\nName: \(c.host)\nDocker Root Dir: /var/lib/docker\n")
        case "ps":
            c.out("CONTAINER ID        IMAGE                                                   COMMAND                  CREATED             STATUS              PORTS               NAMES\n")
            for p in OcObjects.pods(view).filter({ $0.node == c.host }) {
                c.out("3f1c2a9b8d7e        registry.redhat.io/openshift3/ose-pod:v3.11.43        \"/usr/bin/pod\"           3 days ago          Up 3 days                               k8s_POD_\(p.name)_\(p.namespace)_0\n")
            }
        case "images":
            c.out("REPOSITORY                                   TAG                 IMAGE ID            CREATED             SIZE\nregistry.redhat.io/openshift3/ose-node      v3.11.43            8d6f4a3c1b2e        5 weeks ago         1.17 GB\n")
        case "version":
            c.out("Client:\n Version:         1.13.1\nServer:\n Version:         1.13.1\n")
        default:
            throw c.fail("docker: '\(verb)' is not a docker command.\nSee 'docker --help'", code: 125)
        }
        return 0
    }
}
