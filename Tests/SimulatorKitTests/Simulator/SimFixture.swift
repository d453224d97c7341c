import Foundation
import TestSupport
@testable import SimulatorKit

/// A fresh simulated cluster in a temporary directory, and a way to run its tools as real processes.
struct SimFixture {
    let scratch: Scratch
    let sim: SimCluster
    var dir: String { sim.directory }

    /// The built runbook-sim (`<package>/.build/debug/runbook-sim`).
    static let toolPath: String = CLI.simBinary.path

    init(_ description: ClusterDescription = .default) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.toolPath) else { throw CLI.Missing(path: Self.toolPath) }
        scratch = try Scratch(prefix: "sim-test")
        sim = try SimCluster.create(at: scratch.path("sim"), description: description, toolPath: Self.toolPath)
    }

    /// Runs `tool args…` on `host` through the bin/ symlink, like a step would.
    @discardableResult
    func run(_ tool: String, _ args: [String], on host: String = "master-0.example.com",
             env: [String: String] = [:]) throws -> CLI.Outcome {
        try start(tool, args, on: host, env: env).waitUntilExit()
    }

    /// Starts `tool args…` on `host` (for tools that hang or run concurrently).
    func start(_ tool: String, _ args: [String], on host: String = "master-0.example.com",
               env: [String: String] = [:]) throws -> RunningCLI {
        try CLI.start(args, environment: toolEnvironment(host).merging(env) { $1 }, program: .executable(dir + "/bin/" + tool))
    }

    /// What a tool of `host` runs with: the simulator's directory and host, its bin/ first on PATH.
    func toolEnvironment(_ host: String) -> [String: String] {
        ["RUNBOOK_SIM_DIR": dir, "RUNBOOK_SIM_HOST": host, "PATH": dir + "/bin:/usr/bin:/bin"]
    }

    /// Shell text run on a host (for pipelines and the file tools).
    @discardableResult
    func sh(_ command: String, on host: String = "master-0.example.com") throws -> CLI.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = toolEnvironment(host)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Outcome(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                           stderr: String(decoding: e, as: UTF8.self))
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

    func remove() { scratch.remove() }
}
