import Foundation
import Testing
import RunbookYAML
import RunbookCore
import TestSupport
@testable import SimulatorKit

@Suite("sim transport")
struct SimTransportTests {
    @Test("commands run with the simulator's tools and the host's identity")
    func runsTools() async throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = SimTransport(host: InventoryHost(name: "node-0.example.com", transport: .sim), simDirectory: f.dir,
                             base: ProcessTransport())
        let sink = CollectingSink()
        let r = try await t.run(CommandRequest(command: "hostname && oc adm manage-node $(hostname) --schedulable=false >/dev/null"),
                                sink: sink)
        #expect(r.status == .exited(0))
        #expect(await sink.stdoutText == "node-0.example.com\n")
        #expect(try f.state().node("node-0.example.com")?.schedulable == false)
    }

    @Test("file operations map onto the host's root")
    func files() async throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = SimTransport(host: InventoryHost(name: "master-1.example.com", transport: .sim), simDirectory: f.dir,
                             base: ProcessTransport())
        let conf = try #require(try await t.readFile("/etc/etcd/etcd.conf"))
        #expect(String(decoding: conf, as: UTF8.self).contains("ETCD_NAME=master-1.example.com\n"))
        #expect(try await t.readFile("/etc/nothing") == nil)
        try await t.moveFile(from: "/etc/origin/node/pods/apiserver.yaml", to: "/etc/origin/node/apiserver.yaml")
        #expect(try f.view().staticPodRunning("master-1.example.com", "api") == false)
        try await t.writeFile("/etc/origin/node/pods/apiserver.yaml", contents: Array("x\n".utf8), mode: 0o600)
        #expect(try f.view().staticPodRunning("master-1.example.com", "api"))
        try await t.removeFile("/etc/origin/node/pods/apiserver.yaml")
        try await t.removeFile("/etc/origin/node/pods/apiserver.yaml")
        #expect(f.tree("master-1.example.com").exists("/etc/origin/node/pods/apiserver.yaml") == false)
    }

    @Test("a host outside the simulated cluster is unreachable")
    func unknownHost() async throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = SimTransport(host: InventoryHost(name: "elsewhere.example.com", transport: .sim), simDirectory: f.dir,
                             base: ProcessTransport())
        await #expect(throws: TransportError.self) { _ = try await t.run(CommandRequest(command: "true"), sink: CollectingSink()) }
        do { _ = try await t.readFile("/etc/hosts") } catch let e as TransportError { #expect(e.kind == .unreachable) }
    }

    @Test("an unreachable fault makes the transport refuse the host like ssh")
    func unreachableFault() async throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.unreachable(host: "node-2.example.com"))
        let t = SimTransport(host: InventoryHost(name: "node-2.example.com", address: "192.168.55.33", transport: .sim),
                             simDirectory: f.dir, base: ProcessTransport())
        do {
            _ = try await t.run(CommandRequest(command: "true"), sink: CollectingSink())
            Issue.record("expected unreachable")
        } catch let e as TransportError {
            #expect(e.kind == .unreachable)
            #expect(e.message == "ssh: connect to host 192.168.55.33 port 22: No route to host")
        }
        await #expect(throws: TransportError.self) { _ = try await t.readFile("/etc/hostname") }
    }
}

@Suite("cluster description")
struct ClusterDescriptionTests {
    @Test("examples/sim/cluster.yaml describes the default cluster")
    func example() throws {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
        let d = try ClusterDescription.load(contentsOf: url.appendingPathComponent("examples/sim/cluster.yaml").path)
        #expect(d == .default)
    }

    @Test("errors carry file:line:column and are all reported")
    func errors() throws {
        let yaml = "hosts:\n  - name: a\n    ip: 1.2.3.4\n    role: mastrs\n  - name: b\n    colour: red\nstorage:\n  driver: zfs\n"
        let root = try YAMLParser().parse(Array(yaml.utf8), file: "c.yaml")
        do {
            _ = try ClusterDescription.parse(root)
            Issue.record("expected errors")
        } catch {
            let messages = error.diagnostics.map { "\($0.location?.description ?? ""): \($0.message)" }
            #expect(messages.contains("c.yaml:4:11: unknown role 'mastrs'"))
            #expect(messages.contains("c.yaml:6:5: unknown host key 'colour'"))
            #expect(messages.contains("c.yaml:8:11: 'driver' must be overlay2 or devicemapper"))
        }
    }
}
