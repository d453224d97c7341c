import Foundation

/// `curl [-s] [-k] [--cacert F] [-o F] [-w FMT] https://HOST:PORT/healthz`: the health endpoints of
/// a master's API server (8443, or the port in its master-config's `servingInfo.bindAddress`) and
/// controllers (8444). `ok` while serving; otherwise curl's connection error (exit 7) - an API server
/// that came back unable to reach etcd does not serve.
enum CurlTool: SimTool {
    static let names = ["curl"]

    static let specs: [Arguments.Spec] = [
        .init("silent", "s", value: false), .init("insecure", "k", value: false), .init("cacert"), .init("cert"),
        .init("key"), .init("output", "o"), .init("write-out", "w"), .init("fail", "f", value: false),
        .init("show-error", "S", value: false), .init("max-time", "m"), .init("connect-timeout"),
    ]

    static func run(_ c: ToolContext) throws -> Int32 {
        // curl takes bundled short flags (`-sk`, `-sSf`).
        let booleans = Set("skfS")
        let args = c.args.flatMap { arg -> [String] in
            guard arg.count > 2, arg.hasPrefix("-"), !arg.hasPrefix("--"), arg.dropFirst().allSatisfy(booleans.contains) else { return [arg] }
            return arg.dropFirst().map { "-\($0)" }
        }
        let a: Arguments
        switch Arguments.parse(args, specs) {
        case .success(let p): a = p
        case .failure(let e): throw c.fail("curl: option \(e.message): is unknown\ncurl: try 'curl --help' for more information", code: 2)
        }
        guard let url = a.positionals.first else { throw c.fail("curl: no URL specified!", code: 2) }
        let v = try c.view()
        let hostPart = ClusterView.urlHost(url)
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count).isEmpty ? "/" : String(rest.dropFirst(authority.count))
        let port = authority.contains(":") ? String(authority.split(separator: ":").last ?? "") : "443"
        if let code = OcProjects.routeAnswer(v, host: hostPart) { return try routeReply(c, a, host: hostPart, code: code) }
        let host = v.state.hosts.first { $0.name == hostPart || $0.ip == hostPart || $0.name.hasPrefix(hostPart + ".") }
        let serving: Bool
        switch (host.map { v.reachable($0.name) }, port) {
        case (true?, "8444"): serving = host.map { v.staticPodRunning($0.name, "controllers") } ?? false
        case (true?, _): serving = host.map { v.servingMasters.contains($0.name) && v.apiPort($0.name) == port } ?? false
        default: serving = false
        }
        guard serving else {
            throw c.fail(a.flag("silent") && !a.flag("show-error") ? "" : "curl: (7) Failed connect to \(hostPart):\(port); Connection refused", code: 7)
        }
        let body = path == "/healthz" || path.hasPrefix("/healthz/") ? "ok" : "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":403}"
        if let format = a["write-out"] {
            c.out(format.replacingOccurrences(of: "%{http_code}", with: body == "ok" ? "200" : "403").replacingOccurrences(of: "\\n", with: "\n"))
        }
        if a["output"] == nil { c.out(body) }
        return 0
    }

    /// The router's answer for a route's host: the app's page (200), haproxy's "Application is not
    /// available" page (503), or connection refused when no router pod runs (code 0).
    static func routeReply(_ c: ToolContext, _ a: Arguments, host: String, code: Int) throws -> Int32 {
        guard code != 0 else {
            throw c.fail(a.flag("silent") && !a.flag("show-error") ? "" : "curl: (7) Failed connect to \(host):80; Connection refused", code: 7)
        }
        if code != 200 && a.flag("fail") {
            throw c.fail(a.flag("silent") && !a.flag("show-error") ? "" : "curl: (22) The requested URL returned error: 503 Service Unavailable", code: 22)
        }
        if let format = a["write-out"] {
            c.out(format.replacingOccurrences(of: "%{http_code}", with: String(code)).replacingOccurrences(of: "\\n", with: "\n"))
        }
        if a["output"] == nil {
            c.out(code == 200 ? "<html><head><title>Test Page for the Apache HTTP Server</title></head></html>\n"
                              : "<html><body><h1>Application is not available</h1></body></html>\n")
        }
        return 0
    }
}
