import Foundation

/// `hostname`, `ip`, `restorecon`: answers about the host itself (`timedatectl`: TimeSyncTool; `update-ca-trust`: CaTrustTool).
enum HostInfoTool: SimTool {
    static let names = ["hostname", "ip", "restorecon"]

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
