import Foundation
import Testing
@testable import SimulatorKit

/// The tools restore-master-host, restore-node-host and trust-registry-ca (guide 5.2.3, 5.3.3,
/// 7.2.1, 7.2.3) need: update-ca-trust building the system bundle from the anchors, openssl
/// verify against it, and yum installing the exact builds of a backup's package list.
@Suite("update-ca-trust, openssl verify, yum install NAME-VERSION-RELEASE.ARCH")
struct TrustAndPackageTests {
    let host = "node-0.example.com"
    let bundle = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"
    let anchor = "/etc/pki/ca-trust/source/anchors/myregistry.example.com.crt"

    @Test("a new anchor is trusted (FILE: OK) only after update-ca-trust extract; before, 1.0.2k prints error 18, then OK, exit 0")
    func anchorNeedsExtract() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(f.tree(host).read(bundle) == CaTrustTool.systemBlock)
        let req = try f.run("openssl", ["req", "-x509", "-new", "-nodes", "-subj", "/CN=myregistry.example.com",
                                        "-keyout", "/root/r.key", "-out", anchor], on: host)
        #expect(req.status == 0)
        #expect(f.tree(host).read(anchor)?.hasPrefix("-----BEGIN CERTIFICATE-----\n# simulated: /CN=myregistry.example.com\n") == true)
        // OpenSSL 1.0.2k's verify lets a self-signed certificate it does not trust pass after
        // printing error 18 (apps/verify.c `cb`): `OK` on a line of its own and exit 0.
        let before = try f.run("openssl", ["verify", anchor], on: host)
        #expect(before.status == 0)
        #expect(before.stdout == "\(anchor): CN = myregistry.example.com\nerror 18 at 0 depth lookup:self signed certificate\nOK\n")
        #expect(try f.run("update-ca-trust", ["extract"], on: host).status == 0)
        #expect(f.tree(host).read(bundle)?.contains("# simulated: /CN=myregistry.example.com") == true)
        let after = try f.run("openssl", ["verify", anchor], on: host)
        #expect(after.status == 0)
        #expect(after.stdout == "\(anchor): OK\n")
        #expect(try f.run("rm", [anchor], on: host).status == 0)
        #expect(try f.run("update-ca-trust", [], on: host).status == 0)
        #expect(f.tree(host).read(bundle) == CaTrustTool.systemBlock)
    }

    @Test("update-ca-trust skips anchor files without a certificate and refuses an unknown command")
    func extractSkipsNonCertificates() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.tree(host).write("/etc/pki/ca-trust/source/anchors/notes.txt", "not a certificate\n")
        #expect(try f.run("update-ca-trust", [], on: host).status == 0)
        #expect(f.tree(host).read(bundle) == CaTrustTool.systemBlock)
        let bad = try f.run("update-ca-trust", ["bogus"], on: host)
        #expect(bad.status == 1)
        #expect(bad.stderr == "Usage: /usr/bin/update-ca-trust [extract]\n")
        let missing = try f.run("openssl", ["verify", "/root/none.crt"], on: host)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("unable to load certificate"))
    }

    @Test("yum install of a full NAME-VERSION-RELEASE.ARCH installs that build; an unknown build fails with Nothing to do")
    func installFullNames() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let clients = "atomic-openshift-clients-3.11.43-1.git.0.647ac05.el7.x86_64"
        #expect(try f.run("yum", ["remove", "-y", "atomic-openshift-clients"], on: host).status == 0)
        #expect(try f.run("rpm", ["-qa"], on: host).stdout.contains(clients) == false)
        let install = try f.run("yum", ["install", "-y", "--", clients], on: host)
        #expect(install.status == 0)
        #expect(install.stdout.contains("Installed:\n  \(clients)\n"))
        #expect(try f.run("rpm", ["-qa"], on: host).stdout.contains(clients + "\n"))
        let again = try f.run("yum", ["install", "-y", clients], on: host)
        #expect(again.status == 0)
        #expect(again.stdout == "Package \(clients) already installed and latest version\nNothing to do\n")
        let unknown = try f.run("yum", ["install", "-y", "ansible-2.4.0.0-5.el7.noarch"], on: host)
        #expect(unknown.status == 1)
        #expect(unknown.stdout == "No package ansible-2.4.0.0-5.el7.noarch available.\n")
        #expect(unknown.stderr == "Error: Nothing to do\n")
    }
}
