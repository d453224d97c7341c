import Foundation
import Testing
@testable import SimulatorKit

/// The API server reads master-config.yaml when it starts (master-image-policy, issue 17).
@Suite("master-config read at the API's restart")
struct MasterConfigReadTests {
    @Test("master-config.yaml carries imagePolicyConfig with internalRegistryHostname, as openshift-ansible 3.11 writes it")
    func imagePolicyConfigPresent() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let config = try #require(f.tree("master-1.example.com").read("/etc/origin/master/master-config.yaml"))
        #expect(config.contains("\nimagePolicyConfig:\n  internalRegistryHostname: docker-registry.default.svc:5000\n"))
        #expect(config.hasPrefix("admissionConfig:\n  pluginConfig:\n"))
    }

    @Test("an API restarted with a master-config.yaml that is not YAML does not serve; master-restart still exits 0 silently")
    func brokenConfigKeepsAPIDown() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = f.tree("master-1.example.com")
        let config = try #require(t.read("/etc/origin/master/master-config.yaml"))
        try t.write("/etc/origin/master/master-config.yaml",
                    config.replacingOccurrences(of: "  pluginConfig:\n", with: "  pluginConfig:\n    openshift.io/ImagePolicy: [\n"))
        let r = try f.run("master-restart", ["api"], on: "master-1.example.com")
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(try f.view().servingMasters == ["master-0.example.com", "master-2.example.com"])
        let curl = try f.run("curl", ["-sk", "https://master-1.example.com:8443/healthz"], on: "master-1.example.com")
        #expect(curl.status == 7)
        #expect(curl.stdout == "")
        // restored: the next restart serves again
        try t.write("/etc/origin/master/master-config.yaml", config)
        #expect(try f.run("master-restart", ["api"], on: "master-1.example.com").status == 0)
        #expect(try f.view().servingMasters == ["master-0.example.com", "master-1.example.com", "master-2.example.com"])
        #expect(try f.run("curl", ["-sk", "https://master-1.example.com:8443/healthz"], on: "master-1.example.com").stdout == "ok")
    }

    @Test("a master-config.yaml that parses but is not kind MasterConfig (or is missing) keeps the API down too")
    func wrongKindOrMissing() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = f.tree("master-2.example.com")
        let config = try #require(t.read("/etc/origin/master/master-config.yaml"))
        try t.write("/etc/origin/master/master-config.yaml", config.replacingOccurrences(of: "kind: MasterConfig\n", with: "kind: NodeConfig\n"))
        #expect(try f.run("master-restart", ["api"], on: "master-2.example.com").status == 0)
        #expect(try f.view().servingMasters == ["master-0.example.com", "master-1.example.com"])
        try t.write("/etc/origin/master/master-config.yaml", config)
        #expect(try f.run("master-restart", ["api"], on: "master-2.example.com").status == 0)
        #expect(try f.view().servingMasters.contains("master-2.example.com"))
        try FileManager.default.removeItem(atPath: t.real("/etc/origin/master/master-config.yaml"))
        #expect(try f.run("master-restart", ["api"], on: "master-2.example.com").status == 0)
        #expect(try f.view().servingMasters == ["master-0.example.com", "master-1.example.com"])
    }
}
