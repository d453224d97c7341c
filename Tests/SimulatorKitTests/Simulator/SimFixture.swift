import Foundation
@testable import SimulatorKit

/// A fresh simulated cluster in a temporary directory, and a way to run its tools as real processes.
struct SimFixture {
    let sim: SimCluster
    var dir: String { sim.directory }

    /// The built runbook-sim next to the test bundle's package: `<package>/.build/debug/runbook-sim`.
    static let toolPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent(".build/debug/runbook-sim").path
    }()

    init(_ description: ClusterDescription = .default) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.toolPath) else {
            throw SimError.io("\(Self.toolPath) is missing: build it first (swift build --product runbook-sim)")
        }
        let dir = NSTemporaryDirectory() + "sim-test-" + UUID().uuidString
        sim = try SimCluster.create(at: dir, description: description, toolPath: Self.toolPath)
    }

    struct Output {
        var stdout: String
        var stderr: String
        var code: Int32
    }

    /// Runs `tool args…` on `host` through the bin/ symlink, like a step would.
    @discardableResult
    func run(_ tool: String, _ args: [String], on host: String = "master-0.example.com",
             env: [String: String] = [:]) throws -> Output {
        let process = try start(tool, args, on: host, env: env)
        let out = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        let err = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        process.waitUntilExit()
        return Output(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                      code: process.terminationStatus)
    }

    func start(_ tool: String, _ args: [String], on host: String = "master-0.example.com",
               env: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dir + "/bin/" + tool)
        process.arguments = args
        process.environment = ["RUNBOOK_SIM_DIR": dir, "RUNBOOK_SIM_HOST": host,
                               "PATH": dir + "/bin:/usr/bin:/bin"].merging(env) { $1 }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// Shell text run on a host (for pipelines and the file tools).
    @discardableResult
    func sh(_ command: String, on host: String = "master-0.example.com") throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ["RUNBOOK_SIM_DIR": dir, "RUNBOOK_SIM_HOST": host, "PATH": dir + "/bin:/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                      code: process.terminationStatus)
    }

    func state() throws -> ClusterState { try sim.state() }
    func view() throws -> ClusterView { try sim.view() }
    func tree(_ host: String) -> HostTree { HostTree(simDirectory: dir, host: host) }

    /// Moves a master's static pod manifest out of /etc/origin/node/pods (the guide's way to stop it).
    func disable(_ component: String, on host: String) throws {
        let t = tree(host)
        try FileManager.default.createDirectory(atPath: t.real("/etc/origin/node/pods-stopped"), withIntermediateDirectories: true)
        let name = (HostTree.manifest(component) as NSString).lastPathComponent
        try FileManager.default.moveItem(atPath: t.real(HostTree.manifest(component)),
                                         toPath: t.real("/etc/origin/node/pods-stopped/" + name))
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}
