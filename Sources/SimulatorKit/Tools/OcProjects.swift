import Foundation

/// `oc new-project`, `oc new-app IMAGE[~SOURCE]`, `oc rollout status dc/NAME`, `oc expose svc/NAME`,
/// `oc delete project`, and the projects, routes and app services `oc get` shows: what the guide's
/// smoke tests (3.1, 3.5.2) do.
enum OcProjects {
    static let server = "https://master.example.com:8443"
    /// The router's subdomain (`openshift_master_default_subdomain`).
    static let subdomain = "apps.example.com"
    /// Simulated seconds an S2I build takes, and a deployment after it (the guide's 3.5.2 example
    /// output: the build pod 1m old, the app pod 34s).
    static let buildSeconds = 60, deploySeconds = 30
    /// The deployer pod's default `timeoutSeconds` (deployment config rolling strategy).
    static let deployTimeoutSeconds = 600

    static func projects(_ v: ClusterView) -> [SimProject] { v.state.projects ?? [] }

    static func project(_ v: ClusterView, _ name: String) -> SimProject? { projects(v).first { $0.name == name } }

    /// The name `oc new-app` derives: the source repository's last path element without `.git`,
    /// else the image's without registry, tag or digest.
    static func appName(_ spec: String) -> String {
        let parts = spec.split(separator: "~", maxSplits: 1).map(String.init)
        var base = parts.count == 2 ? parts[1] : parts[0]
        if let hash = base.firstIndex(of: "#") { base = String(base[..<hash]) }
        var last = base.split(separator: "/").last.map(String.init) ?? base
        if last.hasSuffix(".git") { last = String(last.dropLast(4)) }
        if parts.count == 1, let at = last.firstIndex(of: "@") { last = String(last[..<at]) }
        if parts.count == 1, let colon = last.firstIndex(of: ":") { last = String(last[..<colon]) }
        return last
    }

    static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63 && name.first?.isLetter == true && name.last.map { $0.isLetter || $0.isNumber } == true
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    static func newProject(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard a.positionals.count == 1, let name = a.positionals.first else {
            throw c.fail("error: must have exactly one argument\nSee 'oc new-project -h' for help and examples.")
        }
        guard validName(name) else {
            throw c.fail("The ProjectRequest \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            // origin release-3.11 projectrequest/delegated.go `Create`: reserved names and prefixes
            // are Forbidden before the existence check.
            if ["openshift", "kubernetes", "kube"].contains(name) {
                throw c.fail("Error from server (Forbidden): project.project.openshift.io \"\(name)\" is forbidden: cannot request a project with the name \"\(name)\"")
            }
            if let prefix = ["openshift-", "kubernetes-", "kube-"].first(where: name.hasPrefix) {
                throw c.fail("Error from server (Forbidden): project.project.openshift.io \"\(name)\" is forbidden: cannot request a project starting with \"\(prefix)\"")
            }
            guard !OcGet.namespaces(v).contains(name) else {
                throw c.fail("Error from server (AlreadyExists): project.project.openshift.io \"\(name)\" already exists")
            }
            v.state.projects = projects(v) + [SimProject(name: name, apps: [], terminating: false, terminatingReads: 0)]
            for binding in RoleBindings.projectDefaults(name) { OcStore.put(&v, binding) }
            guard !a.flag("skip-config-write") else {
                c.out("Project \"\(name)\" created on server \"\(server)\".\n\nTo switch to this project and start adding applications, use:\n\n    oc project \(name)\n")
                return 0
            }
            if let i = v.state.hostIndex(c.host) { v.state.hosts[i].project = name }
            c.out("Now using project \"\(name)\" on server \"\(server)\".\n\nYou can add applications to this project with the 'new-app' command. For example, try:\n\n    oc new-app centos/ruby-25-centos7~https://github.com/sclorg/ruby-ex.git\n\nto build a new example application in Ruby.\n")
            return 0
        }
    }

    /// The project an app command works in, refused while it is being deleted with `terminated`'s
    /// message for the namespace (or what `terminated` throws).
    static func writableProject(_ c: ToolContext, _ a: Arguments, _ v: ClusterView,
                                terminated: (String) throws -> String) throws -> Int {
        let ns = OcTool.namespace(c, a, v)
        guard let i = projects(v).firstIndex(where: { $0.name == ns }) else {
            if OcGet.namespaces(v).contains(ns) {
                throw c.fail("error: the simulator adds apps only to projects made with 'oc new-project' (\"\(ns)\" is one of the initial namespaces)")
            }
            throw c.fail("Error from server (NotFound): namespaces \"\(ns)\" not found")
        }
        if projects(v)[i].terminating {
            throw c.fail(try terminated(ns))
        }
        return i
    }

    /// The namespace lifecycle admission plugin's refusal of a create in a terminating namespace
    /// (kubernetes 1.11 `plugin/pkg/admission/namespace/lifecycle/admission.go`: `admission.NewForbidden`,
    /// which names the object: `RESOURCE "NAME" is forbidden: …`).
    static func terminating(_ ns: String) -> String {
        "is forbidden: unable to create new content in namespace \(ns) because it is being terminated"
    }

    /// new-app's report when the API refuses every object it creates: origin's `BulkAction.Run`
    /// writes `--> Creating resources ...` and `--> Failed` to stdout, and its after-function
    /// (`NewPrintNameOrErrorAfterIndent`) one `    error: …` line per refused object to stderr;
    /// the command then ends with `ErrExit` (exit 1, nothing more).
    static func newAppFailure(_ c: ToolContext, image: String, _ name: String, source: Bool, _ reason: String) -> ToolExit {
        let resources = ["imagestreams.image.openshift.io"] + (source ? ["buildconfigs.build.openshift.io"] : [])
            + ["deploymentconfigs.apps.openshift.io", "services"]
        c.out("--> Found Docker image (\(image))\n\n--> Creating resources ...\n")
        c.err(resources.map { "    error: \($0) \"\(name)\" \(reason)\n" }.joined())
        c.out("--> Failed\n")
        return ToolExit(1)
    }

    static func newApp(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard a.positionals.count == 1, let spec = a.positionals.first else {
            throw c.fail(a.positionals.isEmpty
                ? "error: You must specify one or more images, image streams, templates, or source code locations to create an application.\n\nTo list all local templates and image streams, use:\n\n  oc new-app -L\n"
                : "error: the simulator's new-app takes one IMAGE or IMAGE~SOURCE argument")
        }
        guard spec.contains("/") else {
            throw c.fail("error: the simulator's new-app builds only IMAGE~SOURCE or runs IMAGE with a registry path (templates such as \"\(spec)\" are not simulated)")
        }
        let name = a["name"] ?? appName(spec)
        let parts = spec.split(separator: "~", maxSplits: 1).map(String.init)
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let i = try writableProject(c, a, v) { ns in
                throw newAppFailure(c, image: parts[0], name, source: parts.count == 2, terminating(ns))
            }
            let ns = v.state.projects?[i].name ?? ""
            if v.state.projects?[i].apps.contains(where: { $0.name == name }) == true {
                throw newAppFailure(c, image: parts[0], name, source: parts.count == 2, "already exists")
            }
            let now = v.state.simulatedSeconds ?? 0
            let source = parts.count == 2 ? parts[1] : ""
            v.state.projects?[i].apps.append(SimApp(name: name, image: parts[0], source: source, createdAt: now, deployed: false))
            v.state.controllers.append(SimController(name: name, namespace: ns, revision: 1, replicas: 0, nodeRole: "compute",
                                                     hostPort: false, localData: false))
            var out = "--> Found Docker image (\(parts[0]))\n\n--> Creating resources ...\n    imagestream.image.openshift.io \"\(name)\" created\n"
            if !source.isEmpty { out += "    buildconfig.build.openshift.io \"\(name)\" created\n" }
            out += "    deploymentconfig.apps.openshift.io \"\(name)\" created\n    service \"\(name)\" created\n--> Success\n"
            if !source.isEmpty { out += "    Build scheduled, use 'oc logs -f bc/\(name)' to track its progress.\n" }
            out += "    Application is not exposed. You can expose services to the outside world by executing one or more of the commands below:\n     'oc expose svc/\(name)' \n    Run 'oc status' to view your app.\n"
            c.out(out)
            return 0
        }
    }

    /// `oc rollout status dc/NAME`: waits (in simulated time) for the build and the deployment; the
    /// app's pod is scheduled like any controller's pod. Without a schedulable Ready compute node it
    /// stays Pending until the deployer gives up, and rollout status fails.
    static func rolloutStatus(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        var words = a.positionals
        guard words.first == "status" else {
            throw c.fail("error: the simulator's rollout knows only 'status'")
        }
        words.removeFirst()
        var target = words.joined(separator: "/")
        for prefix in ["deploymentconfigs/", "deploymentconfig/", "dc/"] where target.hasPrefix(prefix) {
            target = String(target.dropFirst(prefix.count))
        }
        guard !target.isEmpty, !target.contains("/") else {
            throw c.fail("error: required resource not specified\nSee 'oc rollout status -h' for help and examples.")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = OcTool.namespace(c, a, v)
            guard let ci = v.state.controllers.firstIndex(where: { $0.name == target && $0.namespace == ns }) else {
                throw c.fail("Error from server (NotFound): deploymentconfigs.apps.openshift.io \"\(target)\" not found")
            }
            let rc = v.state.controllers[ci].rcName
            let pi = projects(v).firstIndex { $0.name == ns }
            guard let pi, let ai = v.state.projects?[pi].apps.firstIndex(where: { $0.name == target }),
                  let app = v.state.projects?[pi].apps[ai] else {
                // An initial controller: already rolled out when it has its pods.
                if OcObjects.running(v, v.state.controllers[ci]) >= v.state.controllers[ci].replicas {
                    c.out("replication controller \"\(rc)\" successfully rolled out\n")
                    return 0
                }
                throw c.fail("error: replication controller \"\(rc)\" has failed progressing")
            }
            let now = v.state.simulatedSeconds ?? 0
            let ready = app.createdAt + (app.source.isEmpty ? 0 : buildSeconds) + deploySeconds
            if !app.deployed {
                v.state.controllers[ci].replicas = 1
                v.reconcile()
                let placed = OcObjects.running(v, v.state.controllers[ci]) >= 1
                if !placed {
                    // The deployer waits for the pod, then fails the deployment and scales it to zero.
                    v.state.controllers[ci].replicas = 0
                    v.reconcile()
                    v.state.simulatedSeconds = max(now, ready - deploySeconds) + deployTimeoutSeconds
                    c.out("Waiting for rollout to finish: 0 of 1 updated replicas are available...\n")
                    throw c.fail("error: replication controller \"\(rc)\" has failed progressing")
                }
                v.state.projects?[pi].apps[ai].deployed = true
                v.state.simulatedSeconds = max(now, ready)
                c.out("Waiting for rollout to finish: 0 of 1 updated replicas are available...\n")
            }
            c.out("replication controller \"\(rc)\" successfully rolled out\n")
            return 0
        }
    }

    static func expose(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        var target = a.positionals.joined(separator: "/")
        var kindOK = false
        for prefix in ["services/", "service/", "svc/"] where target.hasPrefix(prefix) {
            target = String(target.dropFirst(prefix.count)); kindOK = true
        }
        guard kindOK, !target.isEmpty, !target.contains("/") else {
            throw c.fail("error: the simulator's expose takes svc/NAME")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let name = a["name"] ?? target
            let i = try writableProject(c, a, v) { "Error from server (Forbidden): routes.route.openshift.io \"\(name)\" " + terminating($0) }
            guard let p = v.state.projects?[i], p.apps.contains(where: { $0.name == target }) else {
                throw c.fail("Error from server (NotFound): services \"\(target)\" not found")
            }
            guard OcStore.body(v, "Route", namespace: p.name, name) == nil else {
                throw c.fail("Error from server (AlreadyExists): routes.route.openshift.io \"\(name)\" already exists")
            }
            let host = a["hostname"] ?? "\(name)-\(p.name).\(subdomain)"
            // The route/v1 generator points at the service's first port (new-app's 8080-tcp).
            OcStore.put(&v, OcRoutes.body(name: name, namespace: p.name, host: host, service: target, targetPort: "8080-tcp"))
            c.out("route.route.openshift.io/\(name) exposed\n")
            return 0
        }
    }

    /// `oc delete project NAME`: its content goes at once, the project itself after one more read.
    static func deleteProject(_ c: ToolContext, _ a: Arguments, names: [String]) throws -> Int32 {
        guard !names.isEmpty else { throw c.fail("error: resource(s) were provided, but no name, label selector, or --all flag specified") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            var code: Int32 = 0
            for name in names {
                guard let i = projects(v).firstIndex(where: { $0.name == name }) else {
                    if OcGet.namespaces(v).contains(name) {
                        throw c.fail("error: the simulator deletes only projects made with 'oc new-project' (\"\(name)\" is one of the initial namespaces)")
                    }
                    c.err("Error from server (NotFound): projects.project.openshift.io \"\(name)\" not found\n")
                    code = 1
                    continue
                }
                if v.state.projects?[i].terminating == true {
                    c.err("Error from server (Conflict): Operation cannot be fulfilled on namespaces \"\(name)\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.\n")
                    code = 1
                    continue
                }
                v.state.projects?[i].terminating = true
                v.state.controllers.removeAll { $0.namespace == name }
                v.state.pods.removeAll { $0.namespace == name }
                OcStore.removeNamespace(&v, name)
                c.out("project \"\(name)\" deleted\n")
            }
            return code
        }
    }

    /// Projects for `oc get projects|project`; a terminating project read once more is gone.
    static func getProjects(_ c: ToolContext, _ a: Arguments, names: [String]) throws -> Int32 {
        let view = try c.update { v -> ClusterView in
            try OcTool.requireAPI(c, v)
            for i in projects(v).indices.reversed() where v.state.projects?[i].terminating == true {
                if (v.state.projects?[i].terminatingReads ?? 0) >= 1 { v.state.projects?.remove(at: i) } else {
                    v.state.projects?[i].terminatingReads += 1
                }
            }
            if v.state.projects?.isEmpty == true { v.state.projects = nil }
            return v
        }
        let objects = OcGet.namespaces(view).map { name -> OcObject in
            let phase = project(view, name)?.terminating == true ? "Terminating" : "Active"
            let json = JSONValue.object(["apiVersion": .string("project.openshift.io/v1"), "kind": .string("Project"),
                                         "metadata": .object(["name": .string(name)]), "status": .object(["phase": .string(phase)])])
            return OcObject(kindName: "project.project.openshift.io", name: name, headers: ["NAME", "DISPLAY NAME", "STATUS"],
                            cells: [name, "", phase], json: json)
        }
        return try OcGet.emit(c, a, a["output"] ?? "", kind: "projects.project.openshift.io", names: names, objects: objects, namespaced: false)
    }

    static func services(_ v: ClusterView) -> [OcObject] {
        projects(v).enumerated().flatMap { (pi, p) in
            p.apps.enumerated().map { (ai, app) in
                let ip = "172.30.\(100 + pi).\(10 + ai)"
                let json = JSONValue.object(["apiVersion": .string("v1"), "kind": .string("Service"),
                                             "metadata": .object(["name": .string(app.name), "namespace": .string(p.name)]),
                                             "spec": .object(["clusterIP": .string(ip)])])
                return OcObject(kindName: "service", name: app.name, namespace: p.name,
                                headers: ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
                                cells: [app.name, "ClusterIP", ip, "<none>", "8080/TCP,8443/TCP", "1m"], json: json)
            }
        }
    }

    /// The S2I build pods (`NAME-1-build`): Running until the app is deployed, then Completed.
    static func buildPods(_ v: ClusterView) -> [OcObject] {
        let node = v.state.groups["app"]?.first ?? ""
        return projects(v).flatMap { p in
            p.apps.filter { !$0.source.isEmpty }.map { app in
                OcObjects.pod(name: "\(app.name)-1-build", namespace: p.name, node: node, ip: "", status: app.deployed ? "Completed" : "Running",
                              labels: ["openshift.io/build.name": "\(app.name)-1"], owner: .bare, localData: false, age: "1m", v: v)
            }
        }
    }

    /// What the router answers for `http://HOST/` when HOST is a route's: nil when no route has it;
    /// 200 while the app has a running pod, else 503; no router pod running: connection refused (0).
    static func routeAnswer(_ v: ClusterView, host: String) -> Int? {
        for p in projects(v) where !p.terminating {
            guard let r = OcStore.bodies(v, "Route", namespace: p.name).first(where: { $0["spec"]?["host"]?.plain == host }) else { continue }
            let service = r["spec"]?["to"]?["name"]?.plain ?? ""
            let router = v.state.controllers.first { $0.name == "router" && $0.namespace == "default" }
            guard let router, OcObjects.running(v, router) > 0 else { return 0 }
            guard let dc = v.state.controllers.first(where: { $0.name == service && $0.namespace == p.name }) else { return 503 }
            let up = v.state.pods.contains { $0.owner == .replicationController(dc.rcName) && !$0.node.isEmpty && v.nodeReady($0.node) }
            return up ? 200 : 503
        }
        return nil
    }
}
