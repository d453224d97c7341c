import Foundation
import Testing
@testable import SimulatorKit

/// `oc get -o yaml --export`, `oc create [--dry-run] -f`, `oc get -f -o name`: what the guide's
/// project backup (4.7 / 6.1) and restore (6.2) run.
@Suite("oc export and create -f")
struct OcExportTests {
    let secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-password
          namespace: shop
          uid: 1234
        type: Opaque
        data:
          password: cGFzc3dvcmQ=

        """

    func write(_ f: SimFixture, _ path: String, _ text: String, on host: String = "master-0.example.com") throws {
        let real = f.tree(host).real(path)
        try FileManager.default.createDirectory(atPath: (real as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: real))
    }

    @Test("new-project makes the builder, default and deployer service accounts and the default role bindings; --export strips uid, namespace, resourceVersion, selfLink and sets creationTimestamp null")
    func exportDefaults() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        let full = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "sa", "builder"])
        #expect(full.status == 0)
        #expect(full.stdout.contains("  namespace: shop\n") && full.stdout.contains("  uid: ") && full.stdout.contains("  selfLink: /api/v1/namespaces/shop/serviceaccounts/builder\n"))
        let export = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "serviceaccounts"])
        #expect(export.status == 0)
        // The service account controllers' own token and dockercfg secrets, as in every namespace.
        let own = OcServiceAccounts.ownSecrets("shop", "builder")
        #expect(export.stdout.hasPrefix("apiVersion: v1\nitems:\n- apiVersion: v1\n  imagePullSecrets:\n  - name: \(own[1])\n  kind: ServiceAccount\n  metadata:\n    creationTimestamp: null\n    name: builder\n  secrets:\n  - name: \(own[0])\n  - name: \(own[1])\n"))
        #expect(!export.stdout.contains("namespace:") && !export.stdout.contains("uid:") && !export.stdout.contains("selfLink: /"))
        #expect(export.stdout.hasSuffix("kind: List\nmetadata:\n  resourceVersion: \"\"\n  selfLink: \"\"\n"))
        let bindings = try f.run("oc", ["get", "-n", "shop", "-o", "name", "rolebindings"])
        #expect(bindings.stdout == "rolebinding.authorization.openshift.io/admin\nrolebinding.authorization.openshift.io/system:deployers\nrolebinding.authorization.openshift.io/system:image-builders\nrolebinding.authorization.openshift.io/system:image-pullers\n")
        let empty = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "secrets"])
        #expect(empty.status == 0 && empty.stdout.hasPrefix("apiVersion: v1\nitems: []\nkind: List\n"))
        let ns = try f.run("oc", ["get", "-o", "yaml", "--export", "namespace", "shop"])
        #expect(ns.stdout.contains("kind: Namespace\n") && ns.stdout.contains("  name: shop\n") && ns.stdout.contains("status: {}\n"))
        let unknown = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "bogus"])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: the simulator's get -o yaml knows "))
    }

    @Test("the apps, routes and claims of a project export with status emptied")
    func exportModelled() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["new-app", "centos/httpd-24-centos7~https://github.com/sclorg/httpd-ex", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["expose", "svc/httpd-ex", "-n", "shop"]).status == 0)
        let dcs = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "dc"])
        #expect(dcs.stdout.contains("  kind: DeploymentConfig\n") && dcs.stdout.contains("  status: {}\n") && !dcs.stdout.contains("latestVersion"))
        let bcs = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "buildconfigs"])
        #expect(bcs.stdout.contains("        uri: https://github.com/sclorg/httpd-ex\n"))
        let routes = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "routes"])
        #expect(routes.stdout.contains("    host: httpd-ex-shop.apps.example.com\n"))
    }

    @Test("create --dry-run prints KIND/NAME created (dry run) and changes nothing; create stores the objects; an existing one is AlreadyExists, exit 1, the others still created")
    func createFromFile() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        try write(f, "/root/secret.yaml", secret)
        let wrongNamespace = try f.run("oc", ["create", "--dry-run", "-f", "/root/secret.yaml", "-n", "other"])
        #expect(wrongNamespace.status == 1)
        #expect(wrongNamespace.stderr == "error: the namespace from the provided object \"shop\" does not match the namespace \"other\". You must pass '--namespace=shop' to perform this operation.\n")
        let before = try f.state()
        let dry = try f.run("oc", ["create", "--dry-run", "-f", "/root/secret.yaml", "-n", "shop"])
        #expect(dry.status == 0 && dry.stdout == "secret/db-password created (dry run)\n")
        #expect(try f.state() == before)
        let made = try f.run("oc", ["create", "-f", "/root/secret.yaml", "-n", "shop"])
        #expect(made.status == 0 && made.stdout == "secret/db-password created\n")
        let got = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "secret", "db-password"])
        #expect(got.stdout.contains("\n  password: cGFzc3dvcmQ=\n") && got.stdout.contains("  namespace: shop\n") && !got.stdout.contains("uid: 1234"))
        // An exported list with objects new-project made: those are AlreadyExists, the rest is created.
        let sas = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "serviceaccounts"]).stdout
        try write(f, "/root/sa.yaml", sas.replacingOccurrences(of: "name: deployer", with: "name: pipeline"))
        let again = try f.run("oc", ["create", "-f", "/root/sa.yaml", "-n", "shop"])
        #expect(again.status == 1)
        #expect(again.stdout == "serviceaccount/pipeline created\n")
        #expect(again.stderr == "Error from server (AlreadyExists): error when creating \"/root/sa.yaml\": serviceaccounts \"builder\" already exists\nError from server (AlreadyExists): error when creating \"/root/sa.yaml\": serviceaccounts \"default\" already exists\n")
        let names = try f.run("oc", ["get", "-f", "/root/sa.yaml", "-n", "shop", "-o", "name"])
        #expect(names.status == 0 && names.stdout == "serviceaccount/builder\nserviceaccount/default\nserviceaccount/pipeline\n")
    }

    @Test("in a new-project project an account and a binding made with oc create sa / oc policy are read back by get and exported with the project's own")
    func oneModelPerProject() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "shop", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["create", "serviceaccount", "puller", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["get", "sa", "puller", "-n", "shop"]).status == 0)
        #expect(try f.run("oc", ["policy", "add-role-to-user", "registry-viewer", "-z", "puller", "-n", "shop"]).status == 0)
        let names = try f.run("oc", ["get", "-n", "shop", "-o", "name", "serviceaccounts"])
        #expect(names.stdout == "serviceaccount/builder\nserviceaccount/default\nserviceaccount/deployer\nserviceaccount/puller\n")
        let bindings = try f.run("oc", ["get", "-n", "shop", "-o", "yaml", "--export", "rolebindings"])
        #expect(bindings.stdout.contains("    name: registry-viewer\n") && bindings.stdout.contains("    name: system:image-pullers\n"))
    }

    @Test("create -f refuses a missing file, an empty list, an unknown kind, and a project that does not exist")
    func createRefusals() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let missing = try f.run("oc", ["create", "-f", "/root/none.yaml"])
        #expect(missing.status == 1 && missing.stderr == "error: the path \"/root/none.yaml\" does not exist\n")
        try write(f, "/root/empty.yaml", "apiVersion: v1\nitems: []\nkind: List\n")
        let empty = try f.run("oc", ["create", "--dry-run", "-f", "/root/empty.yaml"])
        #expect(empty.status == 1 && empty.stderr == "error: no objects passed to create\n")
        try write(f, "/root/odd.yaml", "apiVersion: v9\nkind: Gadget\nmetadata:\n  name: x\n")
        let odd = try f.run("oc", ["create", "--dry-run", "-f", "/root/odd.yaml"])
        #expect(odd.status == 1 && odd.stderr == "error: unable to recognize \"/root/odd.yaml\": no matches for kind \"Gadget\" in version \"v9\"\n")
        try write(f, "/root/secret.yaml", secret)
        let before = try f.state()
        let nowhere = try f.run("oc", ["create", "-f", "/root/secret.yaml", "-n", "shop"])
        #expect(nowhere.status == 1 && nowhere.stderr == "Error from server (NotFound): error when creating \"/root/secret.yaml\": namespaces \"shop\" not found\n")
        #expect(try f.state() == before)
        let notThere = try f.run("oc", ["get", "-f", "/root/secret.yaml", "-n", "shop", "-o", "name"])
        #expect(notThere.status == 1 && notThere.stderr == "Error from server (NotFound): secrets \"db-password\" not found\n")
    }

    @Test("the YAML printer quotes what would not read back and the reader types plain scalars")
    func yamlRoundTrip() throws {
        let value = JSONValue.object(["a": .string("true"), "b": .string(""), "c": .string("x: y"), "d": .number(3),
                                      "e": .array([.object(["k": .string("v"), "l": .array([.string("w")])]), .string("-x")]),
                                      "f": .null, "g": .object([:]), "h": .string("line\nnext")])
        let text = OcExport.yaml(value)
        #expect(text == "a: \"true\"\nb: \"\"\nc: \"x: y\"\nd: 3\ne:\n- k: v\n  l:\n  - w\n- \"-x\"\nf: null\ng: {}\nh: |-\n  line\n  next\n")
        #expect(try OcExport.parse(text, file: "t") == [value])
    }
}
