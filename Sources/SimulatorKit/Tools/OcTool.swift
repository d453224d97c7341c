import Foundation

/// `oc`: the subset of OpenShift 3.11's client the guide's procedures use.
enum OcTool: SimTool {
    static let names = ["oc", "kubectl"]

    static let specs: [Arguments.Spec] = [
        .init("namespace", "n"), .init("all-namespaces", value: false), .init("output", "o"), .init("selector", "l"),
        .init("field-selector"), .init("config"), .init("server"), .init("token"), .init("loglevel"),
        .init("username", "u"), .init("password", "p"), .init("insecure-skip-tls-verify", value: false),
        .init("schedulable"), .init("list-pods", value: false), .init("evacuate", value: false),
        .init("ignore-daemonsets", value: false), .init("delete-local-data", value: false), .init("force", value: false),
        .init("grace-period"), .init("timeout"), .init("dry-run", value: false), .init("replicas"), .init("show-labels", value: false),
        .init("no-headers", value: false), .init("wait", value: false), .init("pod-selector"),
        .init("name"), .init("hostname"), .init("watch", "w", value: false), .init("skip-config-write", value: false),
    ]

    static func run(_ c: ToolContext) throws -> Int32 {
        // One object store (OcStore) behind every part: OcExport reads (get, -o yaml, --export),
        // deletes and creates from files whatever kind and namespace; the others make objects.
        if let code = try OcExport.dispatch(c) { return code }
        if let code = try OcVolumes.dispatch(c) { return code }
        if let dash = c.args.firstIndex(of: "--"), isExec(Array(c.args[..<dash])) {
            return try exec(c, Array(c.args[..<dash]), Array(c.args[(dash + 1)...]))
        }
        if let code = try OcImageImport.intercept(c) { return code }
        if let code = try OcSecrets.intercept(c) { return code }
        if let code = try OcServiceAccounts.intercept(c) { return code }
        if let code = try OcRoutes.intercept(c) { return code }
        var parsed: Arguments
        switch Arguments.parse(c.args, specs) {
        case .success(let a): parsed = a
        case .failure(let e):
            throw c.fail("Error: \(e.message)\n\n\nSee 'oc -h' for help and examples.")
        }
        var words = parsed.positionals
        guard !words.isEmpty else {
            c.out("OpenShift Client\n\nThis client helps you develop, build, deploy, and run your applications on any\nOpenShift or Kubernetes compatible platform.\n")
            return 0
        }
        var command = words.removeFirst()
        if command == "adm" {
            guard !words.isEmpty else { c.out("Administrative Commands\n"); return 0 }
            command = "adm " + words.removeFirst()
        }
        parsed.positionals = words
        switch command {
        case "login":
            c.out("Logged into \"https://master.example.com:8443\" as \"\(parsed["username"] ?? "system:admin")\" using existing credentials.\n\nYou have access to the following projects and can switch between them with 'oc project <projectname>':\n\n  * default\n    kube-system\n    myapp\n    openshift-sdn\n\nUsing project \"default\".\n")
            return 0
        case "whoami": c.out("system:admin\n"); return 0
        case "project":
            return try project(c, parsed)
        case "version":
            c.out("oc v3.11.43\nkubernetes v1.11.0+d4cacc0\nfeatures: Basic-Auth GSSAPI Kerberos SPNEGO\n\nServer https://master.example.com:8443\nopenshift v3.11.43\nkubernetes v1.11.0+d4cacc0\n")
            return 0
        case "get": return try OcGet.run(c, parsed)
        case "describe": return try OcDescribe.run(c, parsed)
        case "scale": return try scale(c, parsed)
        case "delete" where ["project", "projects"].contains(words.first ?? ""):
            return try OcProjects.deleteProject(c, parsed, names: Array(words.dropFirst()))
        case "delete": return try OcNodes.delete(c, parsed)
        case "adm manage-node": return try OcNodes.manageNode(c, parsed)
        case "adm drain": return try OcDrain.run(c, parsed)
        case "adm cordon": return try OcNodes.cordon(c, parsed, schedulable: false)
        case "adm uncordon": return try OcNodes.cordon(c, parsed, schedulable: true)
        case "new-project": return try OcProjects.newProject(c, parsed)
        case "new-app": return try OcProjects.newApp(c, parsed)
        case "rollout": return try OcProjects.rolloutStatus(c, parsed)
        case "expose": return try OcProjects.expose(c, parsed)
        default:
            throw c.fail("Error: unknown command \"\(command)\" for \"oc\"\nRun 'oc --help' for usage.")
        }
    }

    /// Fails like oc when the API server cannot answer.
    static func requireAPI(_ c: ToolContext, _ view: ClusterView) throws {
        if let reason = view.apiUnavailableReason { throw c.fail(reason) }
    }

    /// The namespace a command works in: `-n`, or the host's current project.
    static func namespace(_ c: ToolContext, _ a: Arguments, _ view: ClusterView) -> String {
        a["namespace"] ?? view.state.host(c.host)?.project ?? "default"
    }

    /// Whether the words before `--` are an `exec`: its first positional once flags and their
    /// values are parsed, so `oc -n NS exec POD -- CMD` counts as `oc exec` does.
    static func isExec(_ head: [String]) -> Bool {
        if case .success(let a) = Arguments.parse(head, specs + execSpecs) { return a.positionals.first == "exec" }
        return head.first(where: { !$0.hasPrefix("-") }) == "exec"
    }

    /// The flags `exec` adds to oc's own.
    static let execSpecs: [Arguments.Spec] = [.init("container", "c"), .init("stdin", "i", value: false), .init("tty", "t", value: false)]

    /// `oc exec POD [-c CONTAINER] -- CMD…`: runs CMD on the pod's node (its tools see that host).
    static func exec(_ c: ToolContext, _ head: [String], _ command: [String]) throws -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(head, specs + execSpecs) {
        case .success(let a): parsed = a
        case .failure(let e): throw c.fail("Error: \(e.message)\n\n\nSee 'oc exec -h' for help and examples.")
        }
        let view = try c.view()
        try requireAPI(c, view)
        guard parsed.positionals.count == 2, let name = parsed.positionals.last, !command.isEmpty else {
            throw c.fail("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command\nSee 'oc exec -h' for help and examples.")
        }
        let ns = namespace(c, parsed, view)
        guard let pod = OcObjects.pods(view).first(where: { $0.name == name && $0.namespace == ns }), !pod.node.isEmpty else {
            throw c.fail("Error from server (NotFound): pods \"\(name)\" not found")
        }
        setenv(SimLayout.hostVariable, pod.node, 1)
        return try FileTool.exec(c, command[0], Array(command.dropFirst()), searchPath: true)
    }

    static func project(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        let view = try c.view()
        try requireAPI(c, view)
        guard let name = a.positionals.first else {
            c.out("Using project \"\(namespace(c, a, view))\" on server \"https://master.example.com:8443\".\n")
            return 0
        }
        guard OcGet.namespaces(view).contains(name) else {
            throw c.fail("error: A project named \"\(name)\" does not exist on \"https://master.example.com:8443\".")
        }
        try c.update { v in
            if let i = v.state.hostIndex(c.host) { v.state.hosts[i].project = name }
        }
        c.out("Now using project \"\(name)\" on server \"https://master.example.com:8443\".\n")
        return 0
    }

    static func scale(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard let r = a["replicas"], let replicas = Int(r), replicas >= 0 else {
            throw c.fail(a["replicas"] == nil ? "error: --replicas=COUNT is required, and COUNT must be greater than or equal to 0"
                                              : "error: invalid argument \"\(a["replicas"] ?? "")\" for \"--replicas\" flag: strconv.ParseInt: parsing \"\(a["replicas"] ?? "")\": invalid syntax")
        }
        var target = a.positionals.joined(separator: "/")
        for prefix in ["deploymentconfigs/", "deploymentconfig/", "dc/"] where target.hasPrefix(prefix) {
            target = String(target.dropFirst(prefix.count))
        }
        guard !target.isEmpty, !target.contains("/") else {
            throw c.fail("error: resource(s) were provided, but no name, label selector, or --all flag specified")
        }
        return try c.update { v in
            try requireAPI(c, v)
            let ns = namespace(c, a, v)
            guard let i = v.state.controllers.firstIndex(where: { $0.name == target && $0.namespace == ns }) else {
                throw c.fail("Error from server (NotFound): deploymentconfigs.apps.openshift.io \"\(target)\" not found")
            }
            v.state.controllers[i].replicas = replicas
            c.out("deploymentconfig \"\(target)\" scaled\n")
            return 0
        }
    }
}
