import Foundation

/// `oc rsync`, `oc set volume`, `oc create deploymentconfig` and `oc get pvc` (origin
/// release-3.11, kubernetes 1.11): claims bound to dynamically provisioned volumes whose files the
/// simulator keeps in `<simdir>/volumes/<volume>/`, mounted by the pods of a deployment config.
enum OcVolumes {
    static let specs: [Arguments.Spec] = OcTool.specs + [
        .init("delete", value: false), .init("quiet", "q", value: false), .init("container", "c"),
        .init("no-perms", value: false), .init("progress", value: false), .init("strategy"),
        .init("add", value: false), .init("remove", value: false), .init("overwrite", value: false),
        .init("name"), .init("type", "t"), .init("claim-name"), .init("claim-size"), .init("claim-class"),
        .init("claim-mode"), .init("mount-path", "m"), .init("image"), .init("confirm", value: false),
    ]

    /// Handles the commands above; nil for every other `oc` command.
    static func dispatch(_ c: ToolContext) throws -> Int32? {
        // Flags are parsed first (`oc -n myapp rsync …`); anything that does not parse is left to OcTool.
        guard case .success(let a) = Arguments.parse(c.args, specs), let first = a.positionals.first else { return nil }
        let second = a.positionals.count > 1 ? a.positionals[1] : ""
        let mine = first == "rsync" || (first == "set" && ["volume", "volumes"].contains(second))
            || (first == "create" && ["deploymentconfig", "dc"].contains(second))
            || (first == "get" && ["pvc", "persistentvolumeclaim", "persistentvolumeclaims"].contains(second))
        guard mine else { return nil }
        let rest = Array(a.positionals.dropFirst(first == "rsync" ? 1 : 2))
        switch first {
        case "rsync": return try rsync(c, a, rest)
        case "set": return try setVolume(c, a, rest)
        case "create": return try createDC(c, a, rest)
        default:
            let view = try c.view()
            try OcTool.requireAPI(c, view)
            let ns = a.flag("all-namespaces") ? nil : OcTool.namespace(c, a, view)
            let objects = (view.state.claims ?? []).filter { ns == nil || $0.namespace == ns }.map(claimObject)
                + OcExport.storedRows(view, "persistentvolumeclaims", namespace: ns)
            return try OcGet.emit(c, a, a["output"] ?? "", kind: "persistentvolumeclaims", names: rest, objects: objects,
                                  namespaced: true, allNamespaces: ns == nil)
        }
    }

    static func claimObject(_ k: SimClaim) -> OcObject {
        let json = JSONValue.object([
            "apiVersion": .string("v1"), "kind": .string("PersistentVolumeClaim"),
            "metadata": .object(["name": .string(k.name), "namespace": .string(k.namespace)]),
            "spec": .object(["accessModes": .array([.string("ReadWriteOnce")]), "volumeName": .string(k.volume),
                             "storageClassName": .string(k.storageClass),
                             "resources": .object(["requests": .object(["storage": .string(k.size)])])]),
            "status": .object(["phase": .string(k.phase)]),
        ])
        return OcObject(kindName: "persistentvolumeclaim", name: k.name, namespace: k.namespace,
                        headers: ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"],
                        cells: [k.name, k.phase, k.volume, k.volume.isEmpty ? "" : k.size, k.volume.isEmpty ? "" : "RWO",
                                k.storageClass, "1m"], json: json)
    }

    /// `oc create deploymentconfig NAME --image=IMAGE`: one replica on a compute node.
    static func createDC(_ c: ToolContext, _ a: Arguments, _ rest: [String]) throws -> Int32 {
        guard rest.count == 1, let name = rest.first else {
            throw c.fail("error: NAME is required for deploymentconfig\nSee 'oc create deploymentconfig -h' for help and examples.")
        }
        guard a["image"] != nil else { throw c.fail("error: --image is required") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = OcTool.namespace(c, a, v)
            if v.state.controllers.contains(where: { $0.name == name && $0.namespace == ns }) {
                throw c.fail("Error from server (AlreadyExists): deploymentconfigs.apps.openshift.io \"\(name)\" already exists")
            }
            v.state.controllers.append(SimController(name: name, namespace: ns, revision: 1, replicas: 1, nodeRole: "compute",
                                                     hostPort: false, localData: false))
            c.out("deploymentconfig.apps.openshift.io/\(name) created\n")
            return 0
        }
    }

    /// `oc set volume dc/NAME --add|--remove …`: changes the pod template, which (ConfigChange
    /// trigger) rolls out a new revision; `--claim-size` creates the claim.
    static func setVolume(_ c: ToolContext, _ a: Arguments, _ rest: [String]) throws -> Int32 {
        var target = rest.joined(separator: "/")
        for prefix in ["deploymentconfigs/", "deploymentconfig/", "dc/"] where target.hasPrefix(prefix) {
            target = String(target.dropFirst(prefix.count))
        }
        guard !target.isEmpty, !target.contains("/") else {
            throw c.fail("error: you must specify a deploymentconfig as dc/NAME (the simulator models deployment configs only)")
        }
        guard a.flag("add") != a.flag("remove") else {
            throw c.fail(a.flag("add") ? "error: you may specify only one operation at a time"
                                       : "error: you must specify one of --add or --remove")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = OcTool.namespace(c, a, v)
            guard let i = v.state.controllers.firstIndex(where: { $0.name == target && $0.namespace == ns }) else {
                throw c.fail("Error from server (NotFound): deploymentconfigs.apps.openshift.io \"\(target)\" not found")
            }
            var volumes = v.state.controllers[i].volumes ?? []
            var claimError: String?
            if a.flag("remove") {
                guard let name = a["name"] else { throw c.fail("error: --confirm must be given to remove all volumes") }
                guard volumes.contains(where: { $0.name == name }) else {
                    throw c.fail("error: deploymentconfigs/\(target) volume '\(name)' not found")
                }
                volumes.removeAll { $0.name == name }
            } else {
                let type = (a["type"] ?? "").lowercased()
                guard ["persistentvolumeclaim", "pvc"].contains(type) else {
                    throw c.fail("error: the simulator models --type=persistentVolumeClaim only")
                }
                guard let claim = a["claim-name"], let path = a["mount-path"] else {
                    throw c.fail("error: --claim-name and --mount-path are required (the simulator does not generate claim names)")
                }
                // origin release-3.11 pkg/oc/cli/set/volume.go: a volume already using the claim keeps
                // its name and is no conflict (`checkForExistingClaim`).
                let claimVolume = volumes.first { $0.claim == claim }?.name
                let name = a["name"] ?? claimVolume ?? "volume-\(v.state.nextSuffix())"
                if volumes.contains(where: { $0.name == name }), !a.flag("overwrite"), claimVolume == nil {
                    throw c.fail("error: volume '\(name)' already exists. Use --overwrite to replace")
                }
                if volumes.contains(where: { $0.mountPath == path && $0.name != name }) {
                    throw c.fail("error: volume mount '\(path)' already exists for container '\(target)'")
                }
                if a["claim-size"] != nil, v.state.claim(claim, in: ns) != nil {
                    // `RunVolume` collects the failed create and still patches the template: exit 1 after the update.
                    claimError = "error: failed to patch volume update to pod template: persistentvolumeclaims \"\(claim)\" already exists\n"
                } else if let size = a["claim-size"] {
                    let defaultClass = v.state.storageClasses.first { $0.hasSuffix(" (default)") }?
                        .replacingOccurrences(of: " (default)", with: "")
                    let known = v.state.storageClasses.map { $0.replacingOccurrences(of: " (default)", with: "") }
                    let cls = a["claim-class"].flatMap { known.contains($0) ? $0 : nil } ?? (a["claim-class"] == nil ? defaultClass : nil)
                    let volume = cls == nil ? "" : "pvc-\(v.state.nextSuffix(length: 8))"
                    v.state.claims = (v.state.claims ?? []) + [SimClaim(name: claim, namespace: ns, volume: volume, size: size,
                                                                      storageClass: cls ?? a["claim-class"] ?? "")]
                    if !volume.isEmpty {
                        try? FileManager.default.createDirectory(atPath: v.volumeDirectory(volume), withIntermediateDirectories: true)
                    }
                    c.out("persistentvolumeclaims/\(claim)\n")
                }
                volumes.removeAll { $0.name == name }
                volumes.append(SimVolume(name: name, claim: claim, mountPath: path))
            }
            // An unchanged template is an empty patch: nothing printed, no rollout (`RunVolume`).
            if claimError == nil, Set(volumes) == Set(v.state.controllers[i].volumes ?? []) { return 0 }
            let old = v.state.controllers[i].rcName
            v.state.controllers[i].volumes = volumes.isEmpty ? nil : volumes
            v.state.controllers[i].revision += 1
            v.state.pods.removeAll { $0.owner == .replicationController(old) }
            c.out("deploymentconfig.apps.openshift.io/\(target) volume updated\n")
            if let claimError {
                c.err(claimError)
                return 1
            }
            return 0
        }
    }

    /// A `POD:PATH` operand (a colon before any slash); nil for a local path.
    static func remote(_ s: String) -> (pod: String, path: String)? {
        guard let colon = s.firstIndex(of: ":"), !s[..<colon].contains("/"), colon != s.startIndex else { return nil }
        return (String(s[..<colon]), String(s[s.index(after: colon)...]))
    }

    /// `oc rsync SOURCE DESTINATION`: one side `POD:DIR` in a running pod (only paths inside its
    /// persistent volumes are modelled), the other a directory on this host. rsync -a semantics: a
    /// source without a trailing slash copies the directory itself, with one its contents;
    /// `--delete` removes destination files the source lacks.
    static func rsync(_ c: ToolContext, _ a: Arguments, _ operands: [String]) throws -> Int32 {
        guard operands.count == 2 else {
            throw c.fail("error: SOURCE_DIR and POD:DESTINATION_DIR are required arguments\nSee 'oc rsync -h' for help and examples.")
        }
        let src = remote(operands[0]), dst = remote(operands[1])
        guard (src == nil) != (dst == nil) else {
            throw c.fail("error: rsync: only one of source or destination can be a remote pod path (POD:DIR)")
        }
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        let ns = OcTool.namespace(c, a, view)
        let side = src ?? dst ?? (pod: "", path: "")
        guard let pod = view.state.pods.first(where: { $0.name == side.pod && $0.namespace == ns }) else {
            throw c.fail("Error from server (NotFound): pods \"\(side.pod)\" not found")
        }
        guard !pod.node.isEmpty else {
            throw c.fail("error: unable to upgrade connection: pod \(pod.name) does not have a host assigned")
        }
        if !view.nodeReady(pod.node) || view.state.faults.contains(.unreachable(host: pod.node)) {
            throw c.fail("Error from server: error dialing backend: dial tcp \(view.state.host(pod.node)?.ip ?? pod.node):10250: connect: no route to host")
        }
        guard case .replicationController(let rc) = pod.owner,
              let controller = view.state.controllers.first(where: { $0.rcName == rc && $0.namespace == ns }),
              let mount = (controller.volumes ?? []).first(where: { side.path == $0.mountPath || side.path == $0.mountPath + "/"
                  || side.path.hasPrefix($0.mountPath + "/") }),
              let claim = view.state.claim(mount.claim, in: ns), !claim.volume.isEmpty else {
            throw c.fail("rsync: change_dir \"\(side.path)\" failed: No such file or directory (2)\nrsync error: some files/attrs were not transferred (see previous errors) (code 23)\nerror: exit status 23")
        }
        let inside = String(side.path.dropFirst(min(side.path.count, mount.mountPath.count)))
        let remoteReal = view.volumeDirectory(claim.volume) + inside
        func local(_ p: String) -> String { c.tree.real(p.hasPrefix("/") ? p : "/root/" + p) }
        let from = src != nil ? remoteReal : local(operands[0])
        let to = dst != nil ? remoteReal : local(operands[1])
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: from, isDirectory: &isDir), isDir.boolValue else {
            throw c.fail("rsync: change_dir \"\(src?.path ?? operands[0])\" failed: No such file or directory (2)\nrsync error: some files/attrs were not transferred (see previous errors) (code 23)\nerror: exit status 23")
        }
        let trailing = (src?.path ?? operands[0]).hasSuffix("/")
        let base = ((src?.path ?? operands[0]) as NSString).lastPathComponent
        let parent = (to as NSString).deletingLastPathComponent
        guard fm.fileExists(atPath: parent) || fm.fileExists(atPath: to) else {
            throw c.fail("rsync: mkdir \"\(dst?.path ?? operands[1])\" failed: No such file or directory (2)\nrsync error: error in file IO (code 11)\nerror: exit status 11")
        }
        let target = trailing ? to : to + "/" + base
        var listed: [String] = trailing ? ["./"] : [base + "/"]
        do {
            try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
            try copyTree(from, target, prefix: trailing ? "" : base + "/", delete: a.flag("delete"), listed: &listed)
        } catch {
            throw c.fail("rsync: \(error)\nrsync error: error in file IO (code 11)\nerror: exit status 11")
        }
        if !a.flag("quiet") {
            c.out((src != nil ? "receiving" : "sending") + " incremental file list\n" + listed.joined(separator: "\n") + "\n\n")
        }
        return 0
    }

    /// Copies `from`'s entries into `to` (files overwritten), recording rsync's file list.
    static func copyTree(_ from: String, _ to: String, prefix: String, delete: Bool, listed: inout [String]) throws {
        let fm = FileManager.default
        let entries = try fm.contentsOfDirectory(atPath: from).sorted()
        if delete {
            for gone in try fm.contentsOfDirectory(atPath: to).sorted() where !entries.contains(gone) {
                try fm.removeItem(atPath: to + "/" + gone)
                listed.append("deleting \(prefix)\(gone)")
            }
        }
        for name in entries {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: from + "/" + name, isDirectory: &isDir)
            if isDir.boolValue {
                var existing: ObjCBool = false
                if fm.fileExists(atPath: to + "/" + name, isDirectory: &existing), !existing.boolValue {
                    try fm.removeItem(atPath: to + "/" + name)
                }
                try fm.createDirectory(atPath: to + "/" + name, withIntermediateDirectories: true)
                listed.append(prefix + name + "/")
                try copyTree(from + "/" + name, to + "/" + name, prefix: prefix + name + "/", delete: delete, listed: &listed)
            } else {
                if fm.fileExists(atPath: to + "/" + name) { try fm.removeItem(atPath: to + "/" + name) }
                try fm.copyItem(atPath: from + "/" + name, toPath: to + "/" + name)
                listed.append(prefix + name)
            }
        }
    }
}

extension OcVolumes {
    /// A deployment config's pod template: one container named after it, with its claim volumes.
    static func template(_ c: SimController) -> JSONValue {
        let volumes = c.volumes ?? []
        let mounts = JSONValue.array(volumes.map { .object(["name": .string($0.name), "mountPath": .string($0.mountPath)]) })
        let specVolumes = JSONValue.array(volumes.map {
            .object(["name": .string($0.name), "persistentVolumeClaim": .object(["claimName": .string($0.claim)])])
        })
        return .object(["metadata": .object(["labels": .object(["deploymentconfig": .string(c.name)])]),
                        "spec": .object(["containers": .array([.object(["name": .string(c.name), "volumeMounts": mounts])]),
                                         "volumes": specVolumes])])
    }
}
