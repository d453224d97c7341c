import Foundation
import Testing
import RunbookCore
import TestSupport
@testable import SimulatorKit

/// A symbolic link in a simulated host's tree never leads `SimTransport` out of that tree: the
/// real machine's files are neither read nor written (chroot semantics, `ConfinedPath`).
@Suite("sim transport confinement")
struct SimTransportConfinementTests {
    /// A real file outside every simulated tree (beside the simulator directory), and the fixture.
    struct Setup {
        let fixture: SimFixture
        let outside: String
        let transport: SimTransport
        let tree: HostTree

        init() throws {
            fixture = try SimFixture()
            outside = fixture.scratch.path("outside")
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try "real secret\n".write(toFile: outside + "/secret", atomically: true, encoding: .utf8)
            let host = "master-1.example.com"
            transport = SimTransport(host: InventoryHost(name: host, transport: .sim), simDirectory: fixture.dir,
                                     base: ProcessTransport())
            tree = fixture.tree(host)
        }

        func link(_ path: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: tree.real(path), withDestinationPath: target)
        }

        func remove() { fixture.remove() }
    }

    @Test("readFile and fileSize through an absolute link read the host's file, not the real machine's")
    func absoluteLinkRead() async throws {
        let s = try Setup()
        defer { s.remove() }
        try s.tree.write(s.outside + "/secret", "simulated\n")
        try s.link("/etc/escape", to: s.outside + "/secret")
        let bytes = try await s.transport.readFile("/etc/escape")
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == "simulated\n")
        #expect(try await s.transport.fileSize("/etc/escape") == 10)
        try FileManager.default.removeItem(atPath: s.tree.real(s.outside + "/secret"))
        #expect(try await s.transport.readFile("/etc/escape") == nil)
        await #expect(throws: TransportError.self) { _ = try await s.transport.fileSize("/etc/escape") }
    }

    @Test("a relative link with .. stops at the host's root")
    func relativeLinkRead() async throws {
        let s = try Setup()
        defer { s.remove() }
        let depth = s.tree.root.split(separator: "/").count + 2
        let up = Array(repeating: "..", count: depth).joined(separator: "/")
        try s.link("/etc/up", to: up + s.outside + "/secret")
        #expect(try await s.transport.readFile("/etc/up") == nil)
        try s.link("/etc/other", to: "../../../node-0.example.com/root/etc/hostname")
        #expect(try await s.transport.readFile("/etc/other") == nil)
        try s.tree.write("/node-0.example.com/root/etc/hostname", "inside\n")
        #expect(try await s.transport.readFile("/etc/other").map { String(decoding: $0, as: UTF8.self) } == "inside\n")
    }

    @Test("a linked directory leads writes, directories and removals into the host's tree")
    func directoryLinkWrite() async throws {
        let s = try Setup()
        defer { s.remove() }
        try s.link("/stash", to: s.outside)
        try s.tree.makeDirectory(s.outside)
        try await s.transport.writeFile("/stash/secret", contents: Array("overwritten\n".utf8), mode: 0o600)
        try await s.transport.makeDirectory("/stash/made")
        try await s.transport.moveFile(from: "/stash/secret", to: "/stash/moved")
        try await s.transport.writeFile("/stash/secret", contents: Array("again\n".utf8), mode: 0o600)
        try await s.transport.removeFile("/stash/secret")
        #expect(try String(contentsOfFile: s.outside + "/secret", encoding: .utf8) == "real secret\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.outside) == ["secret"])
        #expect(s.tree.read(s.outside + "/moved") == "overwritten\n")
        #expect(s.tree.exists(s.outside + "/made"))
    }

    @Test("writing or removing a linked file replaces the link, like mv -f and rm")
    func fileLinkWrite() async throws {
        let s = try Setup()
        defer { s.remove() }
        try s.link("/etc/escape", to: s.outside + "/secret")
        try await s.transport.writeFile("/etc/escape", contents: Array("new\n".utf8), mode: nil)
        #expect(try String(contentsOfFile: s.outside + "/secret", encoding: .utf8) == "real secret\n")
        #expect(s.tree.read("/etc/escape") == "new\n")
        try s.link("/etc/gone", to: s.outside + "/secret")
        try await s.transport.removeFile("/etc/gone")
        #expect(FileManager.default.fileExists(atPath: s.outside + "/secret"))
    }

    @Test("a link loop is refused with ELOOP's message")
    func loop() async throws {
        let s = try Setup()
        defer { s.remove() }
        try s.link("/etc/a", to: "/etc/b")
        try s.link("/etc/b", to: "a")
        do {
            _ = try await s.transport.readFile("/etc/a/x")
            Issue.record("expected a loop error")
        } catch let e as TransportError {
            #expect(e.kind == .fileError)
            #expect(e.message == "'/etc/a/x': Too many levels of symbolic links")
        }
    }

    @Test("a step's ln -s stores its target as written (readlink shows the host's path), and the runbook's file actions follow it inside the tree")
    func stepMadeLinkKeepsItsTarget() async throws {
        let s = try Setup()
        defer { s.remove() }
        try s.tree.write("/etc/origin/node/real.conf", "host file\n")
        let sink = CollectingSink()
        let r = try await s.transport.run(CommandRequest(command: """
            ln -s /etc/origin/node/real.conf /etc/origin/node/alias.conf && readlink /etc/origin/node/alias.conf \
            && cat /etc/origin/node/alias.conf
            """), sink: sink)
        #expect(r.status == .exited(0))
        // Before, the link held this machine's path of the tree inside the sandbox
        // (/.runbook-sim/hosts/…/root/etc/…), and a file action found nothing behind it.
        #expect(await sink.stdoutText == "/etc/origin/node/real.conf\nhost file\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: s.tree.real("/etc/origin/node/alias.conf"))
                == "/etc/origin/node/real.conf")
        #expect(try await s.transport.readFile("/etc/origin/node/alias.conf") == Array("host file\n".utf8))
    }
}
