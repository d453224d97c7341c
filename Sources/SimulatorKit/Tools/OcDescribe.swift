import Foundation

/// `oc describe node NAME` and `oc describe svc kubernetes`.
enum OcDescribe {
    static func run(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        var words = a.positionals
        guard !words.isEmpty else { throw c.fail("error: You must specify the type of resource to describe.") }
        var kind = words.removeFirst()
        if let slash = kind.firstIndex(of: "/") {
            words.insert(String(kind[kind.index(after: slash)...]), at: 0)
            kind = String(kind[..<slash])
        }
        switch kind {
        case "node", "nodes", "no":
            for name in words {
                guard let n = view.state.node(name) else { throw OcNodes.notFound(c, name) }
                let pods = OcObjects.pods(view).filter { $0.node == name }
                var text = "Name:               \(n.name)\nRoles:              \(n.roles.joined(separator: ","))\nLabels:             "
                text += n.labels.keys.sorted().map { "\($0)=\(n.labels[$0] ?? "")" }.joined(separator: "\n                    ")
                text += "\nUnschedulable:      \(!n.schedulable)\nConditions:\n  Type    Status\n  ----    ------\n"
                text += "  Ready   \(view.nodeReady(name) ? "True" : "Unknown")\n"
                text += "Addresses:\n  InternalIP:  \(view.state.host(name)?.ip ?? "")\n  Hostname:    \(name)\n"
                text += "Non-terminated Pods:         (\(pods.count) in total)\n"
                text += Table.render([["  Namespace", "Name"]] + pods.map { ["  " + $0.namespace, $0.name] })
                c.out(text + "Events:              <none>\n")
            }
            return 0
        case "svc", "service", "services":
            guard words == ["kubernetes"] else { throw c.fail("Error from server (NotFound): services \"\(words.first ?? "")\" not found") }
            let ep = OcObjects.endpoints(view)[0].cells[1]
            c.out("""
                Name:              kubernetes
                Namespace:         default
                Labels:            component=apiserver
                                   provider=kubernetes
                Annotations:       <none>
                Selector:          <none>
                Type:              ClusterIP
                IP:                172.30.0.1
                Port:              https  443/TCP
                TargetPort:        8443/TCP
                Endpoints:         \(ep)
                Session Affinity:  ClientIP
                Events:            <none>

                """)
            return 0
        default:
            throw c.fail("error: the server doesn't have a resource type \"\(kind)\"")
        }
    }
}
