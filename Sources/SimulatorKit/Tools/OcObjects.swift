import Foundation
import RunbookYAML

/// One API object as `oc get` shows it: a table row, a wide row and its JSON.
struct OcObject {
    var kindName: String
    var name: String
    var namespace: String = ""
    var labels: [String: String] = [:]
    var node: String = ""
    var headers: [String]
    var cells: [String]
    var wideHeaders: [String] = []
    var wideCells: [String] = []
    var json: JSONValue

    func header(wide: Bool) -> [String] { headers + (wide ? wideHeaders : []) }
    func row(wide: Bool) -> [String] { cells + (wide ? wideCells : []) }
}

/// The API objects of the simulated cluster.
enum OcObjects {
    static func labelsJSON(_ l: [String: String]) -> JSONValue { .object(l.mapValues { .string($0) }) }
    static let timestamp = "2026-11-24T09:12:31Z"

    static func nodeStatus(_ v: ClusterView, _ n: SimNode) -> String {
        (v.nodeReady(n.name) ? "Ready" : "NotReady") + (n.schedulable ? "" : ",SchedulingDisabled")
    }

    static func nodes(_ v: ClusterView) -> [OcObject] {
        v.state.nodes.map { n in
            let ip = v.state.host(n.name)?.ip ?? ""
            var spec: [String: JSONValue] = ["externalID": .string(n.name)]
            if !n.schedulable { spec["unschedulable"] = .bool(true) }
            let ready = v.nodeReady(n.name)
            let json = JSONValue.object([
                "apiVersion": .string("v1"), "kind": .string("Node"),
                "metadata": .object(["name": .string(n.name), "labels": labelsJSON(n.labels),
                                     "creationTimestamp": .string(timestamp)]),
                "spec": .object(spec),
                "status": .object([
                    "addresses": .array([.object(["address": .string(ip), "type": .string("InternalIP")]),
                                         .object(["address": .string(n.name), "type": .string("Hostname")])]),
                    "conditions": .array([.object(["type": .string("Ready"), "status": .string(ready ? "True" : "Unknown"),
                                                   "reason": .string(ready ? "KubeletReady" : "NodeStatusUnknown")])]),
                    "capacity": .object(["pods": .string(String(n.maxPods))]),
                    "nodeInfo": .object(["kubeletVersion": .string(OcGet.version)]),
                ]),
            ])
            return OcObject(kindName: "node", name: n.name, labels: n.labels, node: n.name,
                            headers: ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
                            cells: [n.name, nodeStatus(v, n), n.roles.joined(separator: ","), "3d", OcGet.version],
                            wideHeaders: ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
                            wideCells: [ip, "<none>", "Red Hat Enterprise Linux Server 7.6 (Maipo)", "3.10.0-957.el7.x86_64",
                                        "docker://1.13.1"],
                            json: json)
        }
    }

    /// API pods plus the mirror pods of running static pods.
    static func pods(_ v: ClusterView) -> [OcObject] {
        var list = v.state.pods.map { p -> OcObject in
            pod(name: p.name, namespace: p.namespace, node: p.node, ip: p.ip, status: p.status, labels: p.labels,
                owner: p.owner, localData: p.localData, age: Table.age(since: p.created), v: v)
        }
        for m in v.state.groups["masters"] ?? [] {
            for (component, label) in [("api", "api"), ("controllers", "controllers"), ("etcd", "etcd")]
            where v.staticPodRunning(m, component) && v.state.node(m) != nil {
                list.append(pod(name: "master-\(label)-\(m)", namespace: "kube-system", node: m, ip: v.state.host(m)?.ip ?? "",
                                status: "Running", labels: ["openshift.io/component": label, "openshift.io/control-plane": "true"],
                                owner: nil, localData: false, age: "3d", v: v))
            }
        }
        list += OcProjects.buildPods(v)
        return list.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    static func pod(name: String, namespace: String, node: String, ip: String, status: String, labels: [String: String],
                    owner: PodOwner?, localData: Bool, age: String, v: ClusterView) -> OcObject {
        var meta: [String: JSONValue] = ["name": .string(name), "namespace": .string(namespace), "labels": labelsJSON(labels),
                                         "creationTimestamp": .string(timestamp)]
        switch owner {
        case .replicationController(let rc)?:
            meta["ownerReferences"] = .array([.object(["kind": .string("ReplicationController"), "name": .string(rc), "controller": .bool(true)])])
        case .daemonSet(let ds)?:
            meta["ownerReferences"] = .array([.object(["kind": .string("DaemonSet"), "name": .string(ds), "controller": .bool(true)])])
        case nil:
            meta["annotations"] = .object(["kubernetes.io/config.mirror": .string("mirror"), "kubernetes.io/config.source": .string("file")])
        case .bare?: break
        }
        var spec: [String: JSONValue] = ["nodeName": .string(node)]
        if localData { spec["volumes"] = .array([.object(["name": .string("cache-volume"), "emptyDir": .object([:])])]) }
        let json = JSONValue.object([
            "apiVersion": .string("v1"), "kind": .string("Pod"), "metadata": .object(meta), "spec": .object(spec),
            "status": .object(["phase": .string(status), "podIP": .string(ip), "hostIP": .string(v.state.host(node)?.ip ?? "")]),
        ])
        return OcObject(kindName: "pod", name: name, namespace: namespace, labels: labels, node: node,
                        headers: ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
                        cells: [name, status == "Running" ? "1/1" : "0/1", status, "0", age],
                        wideHeaders: ["IP", "NODE", "NOMINATED NODE"],
                        wideCells: [ip.isEmpty ? "<none>" : ip, node.isEmpty ? "<none>" : node, "<none>"], json: json)
    }

    static func endpoints(_ v: ClusterView) -> [OcObject] {
        let addresses = v.servingMasters.compactMap { v.state.host($0)?.ip }
        let text = addresses.isEmpty ? "<none>" : addresses.map { "\($0):8443" }.joined(separator: ",")
        let subsets: JSONValue = addresses.isEmpty ? .array([]) : .array([.object([
            "addresses": .array(addresses.map { .object(["ip": .string($0)]) }),
            "ports": .array([.object(["name": .string("https"), "port": .number(8443), "protocol": .string("TCP")]),
                             .object(["name": .string("dns"), "port": .number(8053), "protocol": .string("UDP")]),
                             .object(["name": .string("dns-tcp"), "port": .number(8053), "protocol": .string("TCP")])]),
        ])])
        let json = JSONValue.object(["apiVersion": .string("v1"), "kind": .string("Endpoints"),
                                     "metadata": .object(["name": .string("kubernetes"), "namespace": .string("default")]),
                                     "subsets": subsets])
        return [OcObject(kindName: "endpoints", name: "kubernetes", namespace: "default",
                         headers: ["NAME", "ENDPOINTS", "AGE"], cells: ["kubernetes", text, "3d"], json: json)]
    }

    static func services(_ v: ClusterView) -> [OcObject] {
        let json = JSONValue.object(["apiVersion": .string("v1"), "kind": .string("Service"),
                                     "metadata": .object(["name": .string("kubernetes"), "namespace": .string("default")]),
                                     "spec": .object(["clusterIP": .string("172.30.0.1")])])
        return [OcObject(kindName: "service", name: "kubernetes", namespace: "default",
                         headers: ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
                         cells: ["kubernetes", "ClusterIP", "172.30.0.1", "<none>", "443/TCP,53/UDP,53/TCP", "3d"], json: json)]
    }

    static func running(_ v: ClusterView, _ c: SimController) -> Int {
        v.state.pods.filter { $0.owner == .replicationController(c.rcName) && !$0.node.isEmpty }.count
    }

    static func deploymentConfigs(_ v: ClusterView) -> [OcObject] {
        v.state.controllers.map { c in
            let current = running(v, c)
            let json = JSONValue.object([
                "apiVersion": .string("apps.openshift.io/v1"), "kind": .string("DeploymentConfig"),
                "metadata": .object(["name": .string(c.name), "namespace": .string(c.namespace)]),
                "spec": .object(["replicas": .number(c.replicas), "template": OcVolumes.template(c)]),
                "status": .object(["latestVersion": .number(c.revision), "replicas": .number(current),
                                   "readyReplicas": .number(current), "availableReplicas": .number(current)]),
            ])
            return OcObject(kindName: "deploymentconfig.apps.openshift.io", name: c.name, namespace: c.namespace,
                            headers: ["NAME", "REVISION", "DESIRED", "CURRENT", "TRIGGERED BY"],
                            cells: [c.name, String(c.revision), String(c.replicas), String(current), "config"], json: json)
        }
    }

    static func replicationControllers(_ v: ClusterView) -> [OcObject] {
        v.state.controllers.map { c in
            let current = running(v, c)
            let json = JSONValue.object([
                "apiVersion": .string("v1"), "kind": .string("ReplicationController"),
                "metadata": .object(["name": .string(c.rcName), "namespace": .string(c.namespace)]),
                "spec": .object(["replicas": .number(c.replicas)]),
                "status": .object(["replicas": .number(current), "readyReplicas": .number(current)]),
            ])
            return OcObject(kindName: "replicationcontroller", name: c.rcName, namespace: c.namespace,
                            headers: ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
                            cells: [c.rcName, String(c.replicas), String(current), String(current), "3d"], json: json)
        }
    }

    static func storageClasses(_ v: ClusterView) -> [OcObject] {
        v.state.storageClasses.map { sc in
            let name = sc.replacingOccurrences(of: " (default)", with: "")
            return OcObject(kindName: "storageclass.storage.k8s.io", name: name, headers: ["NAME", "PROVISIONER", "AGE"],
                            cells: [sc, "kubernetes.io/glusterfs", "3d"],
                            json: .object(["kind": .string("StorageClass"), "metadata": .object(["name": .string(name)]),
                                           "provisioner": .string("kubernetes.io/glusterfs")]))
        }
    }

    static func configMaps(_ v: ClusterView) -> [OcObject] {
        let leader = (v.state.groups["masters"] ?? []).first { v.staticPodRunning($0, "controllers") } ?? ""
        let ip = v.state.host(leader)?.ip ?? ""
        let holder = "master-\(leader)-\(ip)-x8rmf2kc"
        let annotation = "{\"holderIdentity\":\"\(holder)\",\"leaseDurationSeconds\":15,\"acquireTime\":\"\(timestamp)\",\"renewTime\":\"\(timestamp)\",\"leaderTransitions\":0}"
        let json = JSONValue.object([
            "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
            "metadata": .object(["name": .string("openshift-master-controllers"), "namespace": .string("kube-system"),
                                 "annotations": .object(["control-plane.alpha.kubernetes.io/leader": .string(annotation)])]),
        ])
        return [OcObject(kindName: "configmap", name: "openshift-master-controllers", namespace: "kube-system",
                         headers: ["NAME", "DATA", "AGE"], cells: ["openshift-master-controllers", "0", "3d"], json: json)]
    }
}
