import Foundation
import Testing
@testable import SimulatorKit
import TestSupport

/// The metrics route as installed, `oc get route -o yaml [--export]`, `oc delete route`,
/// `oc create -f` and `oc create route reencrypt` (8.1).
@Suite("oc routes with TLS")
struct OcRouteTests {
    @Test("the exported metrics route has no namespace or resourceVersion and an empty status; create -f of it restores the installed route")
    func exportDeleteRecreate() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let full = try f.run("oc", ["get", "route", "hawkular-metrics", "-n", "openshift-infra", "-o", "yaml"])
        #expect(full.status == 0)
        #expect(full.stdout.contains("  resourceVersion: \""))
        #expect(full.stdout.contains("    termination: reencrypt\n"))
        #expect(full.stdout.contains("    destinationCACertificate: |\n      -----BEGIN CERTIFICATE-----\n"))
        let export = try f.run("oc", ["get", "route", "hawkular-metrics", "-n", "openshift-infra", "-o", "yaml", "--export"])
        #expect(export.stdout.hasPrefix("apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  creationTimestamp: null\n  name: hawkular-metrics\nspec:\n"))
        #expect(!export.stdout.contains("resourceVersion") && !export.stdout.contains("namespace") && export.stdout.hasSuffix("status: {}\n"))
        try f.tree("master-0.example.com").write("/root/route.yaml", export.stdout)
        try f.tree("master-0.example.com").write("/root/full.yaml", full.stdout)
        #expect(try f.run("oc", ["delete", "route", "hawkular-metrics", "-n", "openshift-infra"]).stdout
                == "route.route.openshift.io \"hawkular-metrics\" deleted\n")
        #expect(try f.state().objects?.contains { $0.kind == "Route" } == false)
        let refused = try f.run("oc", ["create", "-f", "/root/full.yaml", "-n", "openshift-infra"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error from server: error when creating \"/root/full.yaml\": resourceVersion should not be set on objects to be created\n")
        let made = try f.run("oc", ["create", "-f", "/root/route.yaml", "-n", "openshift-infra"])
        #expect(made.stdout == "route.route.openshift.io/hawkular-metrics created\n")
        #expect(try f.state().objects == nil)
        #expect(try f.run("oc", ["create", "-f", "/root/route.yaml", "-n", "openshift-infra"]).stderr
                == "Error from server (AlreadyExists): error when creating \"/root/route.yaml\": routes.route.openshift.io \"hawkular-metrics\" already exists\n")
    }

    @Test("create route reencrypt reads the certificate files; the hawkular CA comes from hawkular-metrics-certs")
    func createReencrypt() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = f.tree("master-0.example.com")
        try t.write("/root/w.crt", "CERT\n")
        try t.write("/root/w.key", "KEY\n")
        try t.write("/root/w.ca", "CA\n")
        let ca = try f.run("oc", ["get", "secrets", "hawkular-metrics-certs", "-n", "openshift-infra", "-o", "jsonpath={.data.ca\\.crt}"])
        #expect(String(decoding: Data(base64Encoded: ca.stdout) ?? Data(), as: UTF8.self) == MetricsCertificates.hawkularCA)
        try t.write("/root/dest.ca", MetricsCertificates.hawkularCA)
        let missing = try f.run("oc", ["create", "route", "reencrypt", "r", "-n", "openshift-infra", "--service", "hawkular-metrics",
                                       "--cert", "/root/nothing.crt"])
        #expect(missing.stderr == "error: open /root/nothing.crt: no such file or directory\n")
        #expect(try f.run("oc", ["create", "route", "reencrypt", "r", "-n", "openshift-infra", "--service", "nope"]).stderr
                == "Error from server (NotFound): services \"nope\" not found\n")
        let made = try f.run("oc", ["create", "route", "reencrypt", "hawkular-metrics-reencrypt", "-n", "openshift-infra",
                                    "--hostname", "metrics.example.com", "--key", "/root/w.key", "--cert", "/root/w.crt",
                                    "--ca-cert", "/root/w.ca", "--service", "hawkular-metrics", "--dest-ca-cert", "/root/dest.ca"])
        #expect(made.stdout == "route.route.openshift.io/hawkular-metrics-reencrypt created\n")
        let tls = try f.run("oc", ["get", "route", "hawkular-metrics-reencrypt", "-n", "openshift-infra",
                                   "-o", "jsonpath={.spec.tls.termination} {.spec.host} {.spec.tls.key}"])
        #expect(tls.stdout == "reencrypt metrics.example.com KEY\n")
        let pem = try f.run("oc", ["get", "route", "hawkular-metrics-reencrypt", "-n", "openshift-infra",
                                   "-o", "jsonpath={.spec.tls.certificate}|{.spec.tls.caCertificate}|{.spec.tls.destinationCACertificate}"])
        #expect(pem.stdout == "CERT\n|CA\n|" + MetricsCertificates.hawkularCA)
    }
}
