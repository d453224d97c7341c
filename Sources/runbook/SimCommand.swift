import ArgumentParser
import Foundation
import SimulatorKit
import RunbookYAML
import RunbookCore
import RunbookEngine

/// `runbook sim init|state|fault|reset`: manage a simulated OpenShift 3.11 cluster.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Create, inspect and break a simulated OpenShift 3.11 cluster for rehearsals.",
        subcommands: [Init.self, State.self, Fault.self, Reset.self, Destroy.self])

    /// The runbook-sim executable next to this one.
    static func toolPath() -> String { SimCluster.defaultToolPath() }

    static func report(_ error: SimError) -> ExitCode {
        CLIOutput.printError(message: "\(error)")
        return ExitCode(1)
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a fresh simulated cluster (the guide's example by default).")
        @Argument(help: "Directory for the simulator.") var directory: String = ".runbook/sim"
        @Option(help: "Cluster description (YAML, see examples/sim/cluster.yaml).") var cluster: String?
        @Option(help: "simulated (etcd modelled by the simulator) or real (one real etcd per member host, see docs/simulator.md).")
        var etcd: String = "simulated"

        func validate() throws {
            guard ["simulated", "real"].contains(etcd) else {
                throw ValidationError("--etcd must be 'simulated' or 'real', not '\(etcd)'")
            }
        }

        func run() async throws {
            var description = ClusterDescription.default
            if let cluster {
                do { description = try ClusterDescription.load(contentsOf: cluster) } catch {
                    throw CLIOutput.invalid(error)
                }
            }
            do {
                let sim = try SimCluster.create(at: directory, description: description, toolPath: SimCommand.toolPath(),
                                                realEtcd: etcd == "real")
                print("Simulated cluster created in \(sim.directory)")
                if etcd == "real" {
                    print("Real etcd members running (stop them with: runbook sim destroy \(sim.directory))")
                }
                print("Inventory: \(sim.directory)/inventory.yaml")
                print("Try: RUNBOOK_SIM_DIR=\(sim.directory) RUNBOOK_SIM_HOST=master-0.example.com \(sim.directory)/bin/oc get nodes")
            } catch { throw SimCommand.report(error) }
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the cluster summary (nodes, pods, etcd, haproxy, storage, faults).")
        @Argument(help: "Simulator directory.") var directory: String = ".runbook/sim"
        @Option(help: "text (a summary) or json (the whole state).") var output: OutputFormat = .text

        func validate() throws { try output.require([.text, .json], for: "sim state") }

        func run() async throws {
            do {
                let sim = try SimCluster(at: directory)
                for notice in try RealEtcd(simDirectory: sim.directory).ensureRunning(toolPath: SimCommand.toolPath()) {
                    CLIOutput.printError("note: \(notice)")
                }
                print(output == .json ? try sim.stateJSON() : try sim.summary(), terminator: output == .json ? "\n" : "")
            } catch { throw SimCommand.report(error) }
        }
    }

    struct Fault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inject a fault, or clear them all with --clear.",
            discussion: "Fault kinds:\n" + SimulatorKit.Fault.kinds.map { "  \($0.name) \($0.usage)\n      \($0.summary)" }.joined(separator: "\n"))
        @Argument(help: "Simulator directory.") var directory: String
        @Argument(help: "KIND and its arguments.") var fault: [String] = []
        @Flag(help: "Remove every fault.") var clear = false

        func run() async throws {
            do {
                let sim = try SimCluster(at: directory)
                if clear {
                    try sim.clearFaults()
                    try RealEtcd(simDirectory: sim.directory).sync()
                    print("Faults cleared.")
                    return
                }
                let f = try SimulatorKit.Fault.parse(fault)
                try sim.inject(f)
                try RealEtcd(simDirectory: sim.directory).sync()
                print("Fault injected: \(f)")
            } catch { throw SimCommand.report(error) }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recreate the cluster as it was at init.")
        @Argument(help: "Simulator directory.") var directory: String

        func run() async throws {
            do {
                try SimCluster(at: directory).reset()
                print("Simulated cluster reset.")
            } catch { throw SimCommand.report(error) }
        }
    }

    struct Destroy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop every process the simulator started (real etcd members) and remove its directory.")
        @Argument(help: "Simulator directory.") var directory: String

        func run() async throws {
            do {
                for stopped in try SimCluster.destroy(at: directory) { print("Stopped \(stopped).") }
                print("Simulated cluster destroyed.")
            } catch { throw SimCommand.report(error) }
        }
    }
}
