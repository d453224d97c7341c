import Foundation
import Testing
@testable import SimulatorKit

/// `oc import-image` against the allowedRegistriesForImport list the API read at its restart (7.3.7).
@Suite("oc import-image")
struct OcImageImportTests {
    /// Adds an allowedRegistriesForImport list to every master's master-config.yaml and (unless
    /// `restart` is false) restarts their APIs.
    func restrict(_ f: SimFixture, to domains: [String], restart: Bool = true) throws {
        for m in ["master-0.example.com", "master-1.example.com", "master-2.example.com"] {
            let t = f.tree(m)
            let config = try #require(t.read("/etc/origin/master/master-config.yaml"))
            let list = domains.map { "  - domainName: \"\($0)\"\n" }.joined()
            try t.write("/etc/origin/master/master-config.yaml",
                        config.replacingOccurrences(of: "\nimagePolicyConfig:\n", with: "\nimagePolicyConfig:\n  allowedRegistriesForImport:\n\(list)"))
            if restart { #expect(try f.run("master-restart", ["api"], on: m).status == 0) }
        }
    }

    @Test("without a list every registry may be imported from; the tag can be read and deleted")
    func importGetDelete() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["import-image", "guestbook:v1", "--from=quay.io/example/guestbook:v1", "--confirm", "-n", "myapp"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("imagestream.image.openshift.io/guestbook imported\n"))
        let get = try f.run("oc", ["get", "imagestreamtag", "guestbook:v1", "-n", "myapp"])
        #expect(get.status == 0)
        #expect(get.stdout.contains("guestbook:v1\tquay.io/example/guestbook:v1\t"))
        #expect(try f.run("oc", ["get", "istag", "guestbook:v1", "-n", "default"]).stderr
                == "Error from server (NotFound): imagestreamtags.image.openshift.io \"guestbook:v1\" not found\n")
        let del = try f.run("oc", ["delete", "imagestreamtag", "guestbook:v1", "-n", "myapp"])
        #expect(del.stdout == "imagestreamtag.image.openshift.io \"guestbook:v1\" deleted\n")
        #expect(try f.run("oc", ["get", "imagestreamtag", "guestbook:v1", "-n", "myapp"]).status == 1)
    }

    @Test("a new image stream needs --confirm")
    func needsConfirm() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["import-image", "guestbook", "--from=docker.io/kubernetes/guestbook"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: no image stream named \"guestbook\" exists, pass --confirm to create and import\n")
    }

    @Test("after the APIs read a list, a registry that matches no domain name is refused; wildcards match subdomains")
    func whitelist() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try restrict(f, to: ["docker.io", "*.redhat.com"])
        #expect(try f.run("oc", ["import-image", "a:1", "--from=kubernetes/guestbook:1", "--confirm"]).status == 0)
        #expect(try f.run("oc", ["import-image", "b:1", "--from=registry.access.redhat.com/rhel7:1", "--confirm"]).status == 0)
        let refused = try f.run("oc", ["import-image", "c:1", "--from=quay.io/x/y:1", "--confirm"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "The ImageStream \"c\" is invalid: spec.tags[1].from.name: Forbidden: registry \"quay.io\" not allowed by whitelist: \"docker.io:443\", \"*.redhat.com:443\"\n")
        #expect(try f.run("oc", ["get", "istag", "c:1"]).status == 1)
    }

    @Test("the list counts from the API's restart: a file edited without a restart changes nothing")
    func readAtRestart() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try restrict(f, to: ["docker.io"], restart: false)
        #expect(try f.run("oc", ["import-image", "c:1", "--from=quay.io/x/y:1", "--confirm"]).status == 0)
    }
}
