import Foundation
import Testing
@testable import SimulatorKit
import TestSupport

/// One store of API objects behind every `oc` command: what one command makes, every other sees,
/// in a project made with `oc new-project` and in the cluster's own namespaces alike. Each test
/// crosses the seam the simulator had between its two object models (each failed before).
@Suite("oc: one object store")
struct OcStoreTests {
    let host = "master-0.example.com"

    @Test("a secret made with create -f in a new project can be linked to its default account, which then lists it")
    func fileSecretLinked() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        try f.tree(host).write("/root/s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull\ntype: Opaque\ndata:\n  a: Yg==\n")
        #expect(try f.run("oc", ["create", "-f", "/root/s.yaml", "-n", "shop"]).stdout == "secret/pull created\n")
        let link = try f.run("oc", ["secrets", "link", "default", "pull", "--for=pull", "-n", "shop"])
        #expect(link.status == 0 && link.stderr == "")
        let own = OcServiceAccounts.ownSecrets("shop", "default")
        let pulls = try f.run("oc", ["get", "sa", "default", "-n", "shop", "-o", "jsonpath={.imagePullSecrets[*].name}"])
        #expect(pulls.stdout == "\(own[1]) pull")
        let exported = try f.run("oc", ["get", "secrets", "-n", "shop", "-o", "yaml", "--export"])
        #expect(exported.stdout.contains("    name: pull\n") && exported.stdout.contains("  type: Opaque\n"))
    }

    @Test("a secret made with oc create secret in a new project is exported with the project's objects")
    func createdSecretExported() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["create", "secret", "docker-registry", "reg", "-n", "shop", "--docker-username=a", "--docker-password=b"]).status == 0)
        let exported = try f.run("oc", ["get", "secret", "-n", "shop", "-o", "yaml", "--export"])
        #expect(exported.status == 0 && exported.stdout.contains("    name: reg\n") && exported.stdout.contains("  type: kubernetes.io/dockerconfigjson\n"))
    }

    @Test("a route created with create -f in a cluster namespace is listed by oc get routes and deleted by oc delete route")
    func fileRouteInClusterNamespace() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.tree(host).write("/root/r.yaml", "apiVersion: v1\nkind: Route\nmetadata:\n  name: registry\nspec:\n  host: registry.example.com\n  to:\n    kind: Service\n    name: docker-registry\n")
        let made = try f.run("oc", ["create", "-f", "/root/r.yaml", "-n", "default"])
        #expect(made.status == 0 && made.stdout == "route.route.openshift.io/registry created\n")
        let table = try f.run("oc", ["get", "routes", "-n", "default"])
        #expect(table.stdout == "NAME       HOST/PORT              PATH      SERVICES          PORT      TERMINATION   WILDCARD\nregistry   registry.example.com             docker-registry   <all>                   None\n")
        #expect(try f.run("oc", ["get", "route", "registry", "-n", "default", "-o", "jsonpath={.status.ingress[0].host}"]).stdout == "registry.example.com")
        #expect(try f.run("oc", ["delete", "route", "registry", "-n", "default"]).stdout == "route.route.openshift.io \"registry\" deleted\n")
        #expect(try f.state().objects == nil)
    }

    @Test("a config map created with create -f in default is read back with get -o yaml")
    func fileConfigMapInDefault() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.tree(host).write("/root/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n")
        #expect(try f.run("oc", ["create", "-f", "/root/cm.yaml", "-n", "default"]).stdout == "configmap/settings created\n")
        let got = try f.run("oc", ["get", "configmap", "settings", "-n", "default", "-o", "yaml"])
        #expect(got.status == 0 && got.stdout.contains("  mode: fast\n") && got.stdout.contains("  namespace: default\n"))
    }

    @Test("a service account made with oc create sa in default is in oc get sa -o yaml, with its own secrets")
    func createdAccountAsYAML() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["create", "sa", "robot", "-n", "default"]).stdout == "serviceaccount/robot created\n")
        let got = try f.run("oc", ["get", "sa", "-n", "default", "-o", "yaml"])
        #expect(got.status == 0)
        let own = OcServiceAccounts.ownSecrets("default", "robot")
        #expect(got.stdout.contains("    name: robot\n    namespace: default\n") && got.stdout.contains("  - name: \(own[0])\n"))
        #expect(try f.run("oc", ["get", "-n", "default", "-o", "name", "sa"]).stdout
                == "serviceaccount/builder\nserviceaccount/default\nserviceaccount/deployer\nserviceaccount/robot\n")
    }

    @Test("a new project's default accounts have the same token and dockercfg secrets as a cluster namespace's")
    func projectAccountsLikeClusterOnes() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        for ns in ["shop", "myapp"] {
            let pulls = try f.run("oc", ["get", "sa", "deployer", "-n", ns, "-o", "jsonpath={.imagePullSecrets[*].name}"])
            #expect(pulls.stdout == OcServiceAccounts.ownSecrets(ns, "deployer")[1])
        }
    }

    @Test("a route made with oc expose is deleted with oc delete route; the router then has no route for its host")
    func exposedRouteDeleted() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["new-app", "centos/httpd-24-centos7~https://github.com/sclorg/httpd-ex", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["expose", "svc/httpd-ex", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["get", "route", "httpd-ex", "-n", "shop", "-o", "jsonpath={.spec.port.targetPort}"]).stdout == "8080-tcp")
        let deleted = try f.run("oc", ["delete", "route", "httpd-ex", "-n", "shop"])
        #expect(deleted.status == 0 && deleted.stdout == "route.route.openshift.io \"httpd-ex\" deleted\n")
        #expect(OcProjects.routeAnswer(ClusterView(state: try f.state(), simDirectory: f.dir), host: "httpd-ex-shop.apps.example.com") == nil)
    }

    @Test("add-role-to-user joins the project's own binding of the role; deleting the project removes its secrets")
    func bindingsAndProjectDeletion() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["create", "sa", "robot", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["policy", "add-role-to-user", "admin", "-z", "robot", "-n", "shop"]).status == 0)
        let admin = try f.run("oc", ["get", "rolebinding", "admin", "-n", "shop", "-o", "jsonpath={.subjects[*].name}"])
        #expect(admin.stdout == "system:admin robot")
        #expect(try f.run("oc", ["get", "-n", "shop", "-o", "name", "rolebindings"]).stdout.split(separator: "\n").count == 4)
        #expect(try f.run("oc", ["create", "secret", "docker-registry", "reg", "-n", "shop", "--docker-username=a", "--docker-password=b"]).status == 0)
        #expect(try f.run("oc", ["delete", "project", "shop"]).status == 0)
        #expect(try f.run("oc", ["get", "projects"]).status == 0)
        #expect(try f.run("oc", ["get", "projects"]).status == 0)
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["get", "secret", "reg", "-n", "shop"]).stderr == "Error from server (NotFound): secrets \"reg\" not found\n")
        #expect(try f.run("oc", ["get", "rolebinding", "admin", "-n", "shop", "-o", "jsonpath={.subjects[*].name}"]).stdout == "system:admin")
    }

    @Test("a state file from before the store (secrets, serviceAccounts, roleBindings, infraRoutes, a project's routes and objects) is still read, as installed")
    func oldStateFileRead() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        let path = f.dir + "/state.json"
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["objects"] = nil
        json["secrets"] = [["name": "s", "namespace": "myapp", "type": "Opaque", "data": [String: String]()]]
        json["serviceAccounts"] = [[String: Any]]()
        json["roleBindings"] = [[String: Any]]()
        json["infraRoutes"] = [[String: Any]]()
        json["projects"] = [["name": "shop", "apps": [Any](), "routes": [Any](), "terminating": false, "terminatingReads": 0,
                             "objects": [["kind": "Secret", "name": "x", "yaml": "kind: Secret\n"]]]]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        #expect(try f.state().objects == nil)
        #expect(try f.run("oc", ["get", "route", "hawkular-metrics", "-n", "openshift-infra", "-o", "name"]).stdout
                == "route.route.openshift.io/hawkular-metrics\n")
        #expect(try f.run("oc", ["get", "secrets", "-n", "shop", "-o", "name"]).stdout == "")
    }

    /// `oc get svc|dc|cm|pvc` listed only the objects the state derives: what `create -f` made was
    /// in `get -o yaml` and missing from the tables and from `-o name|json|jsonpath`.
    @Test("services, deployment configs, config maps and claims made with create -f are in oc get's tables too")
    func fileObjectsInTables() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        try f.tree(host).write("/root/all.yaml", """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: web}
              spec:
                ports: [{port: 8080, protocol: TCP}, {port: 8443}]
            - apiVersion: apps.openshift.io/v1
              kind: DeploymentConfig
              metadata: {name: web}
              spec:
                replicas: 2
                triggers:
                - type: ConfigChange
                - type: ImageChange
                  imageChangeParams: {from: {kind: ImageStreamTag, name: 'web:latest'}}
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: settings}
              data: {mode: fast, size: big}
            - apiVersion: v1
              kind: PersistentVolumeClaim
              metadata: {name: data}
              spec: {storageClassName: glusterfs-storage, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}

            """)
        let made = try f.run("oc", ["create", "-f", "/root/all.yaml", "-n", "shop"])
        #expect(made.status == 0)
        let ip = try f.run("oc", ["get", "svc", "web", "-n", "shop", "-o", "jsonpath={.spec.clusterIP}"]).stdout
        #expect(ip.hasPrefix("172.30.2"))
        let services = try f.run("oc", ["get", "svc", "-n", "shop"]).stdout
        // The CLUSTER-IP column is as wide as the address and three spaces (kubectl's tabwriter).
        #expect(services == "NAME      TYPE        CLUSTER-IP\(String(repeating: " ", count: ip.count + 3 - 10))EXTERNAL-IP   PORT(S)             AGE\n"
                + "web       ClusterIP   \(ip)   <none>        8080/TCP,8443/TCP   1m\n")
        #expect(try f.run("oc", ["get", "dc", "-n", "shop"]).stdout
                == "NAME      REVISION   DESIRED   CURRENT   TRIGGERED BY\nweb       0          2         0         config,image(web:latest)\n")
        #expect(try f.run("oc", ["get", "cm", "-n", "shop"]).stdout == "NAME       DATA      AGE\nsettings   2         1m\n")
        let claims = try f.run("oc", ["get", "pvc", "-n", "shop"]).stdout
        #expect(claims == "NAME      STATUS    VOLUME    CAPACITY   ACCESS MODES   STORAGECLASS        AGE\ndata      Pending\(String(repeating: " ", count: 39))glusterfs-storage   1m\n")
        #expect(try f.run("oc", ["get", "dc", "web", "-n", "shop", "-o", "name"]).stdout == "deploymentconfig.apps.openshift.io/web\n")
        #expect(try f.run("oc", ["get", "svc", "-n", "shop", "-o", "yaml"]).stdout.contains("    clusterIP: \(ip)\n"))
        // An address the file gives (a backup's) is kept, not allocated anew.
        try f.tree(host).write("/root/db.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {clusterIP: 172.30.9.9}\n")
        #expect(try f.run("oc", ["create", "-f", "/root/db.yaml", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["get", "svc", "db", "-n", "shop", "-o", "jsonpath={.spec.clusterIP}"]).stdout == "172.30.9.9")
        // Everywhere, as with the derived objects: the stored ones in their namespace.
        let all = try f.run("oc", ["get", "cm", "--all-namespaces"]).stdout
        #expect(all.contains("\nshop ") && all.contains(" settings "))
    }
}
