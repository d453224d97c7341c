import Foundation
import SimulatorKit
import RunbookCore
import RunbookEngine

/// `--sim [DIR]` for `plan`, `run` and `resume`: the simulated cluster a rehearsal uses.
struct SimSetup {
    /// The simulator directory.
    var directory: String

    /// Opens `DIR`, creating a fresh default cluster there when it does not exist yet; without
    /// a DIR, creates a fresh cluster in a temporary directory. Says where it is on stderr.
    static func prepare(_ requested: String?) throws -> SimSetup {
        if let requested, FileManager.default.fileExists(atPath: SimLayout(directory: requested).statePath) {
            // Real etcd members whose supervisor is gone (a reboot, a kill) come back first.
            do {
                let dir = try SimCluster(at: requested).directory
                for notice in try RealEtcd(simDirectory: dir).ensureRunning(toolPath: SimCluster.defaultToolPath()) {
                    CLIOutput.printError("note: \(notice)")
                }
            } catch {
                throw CLIFailure(.error("cannot start the real etcd members: \(error)", at: nil), code: 2)
            }
            return SimSetup(directory: requested)
        }
        let cluster: SimCluster
        do {
            if let requested {
                cluster = try SimCluster.create(at: requested, toolPath: SimCluster.defaultToolPath())
            } else {
                cluster = try SimCluster.createTemporary()
            }
        } catch {
            throw CLIFailure(.error("cannot create the simulated cluster: \(error)", at: nil), code: 2)
        }
        CLIOutput.printError("simulated cluster: \(cluster.directory) (inspect with: runbook sim state \(cluster.directory))")
        return SimSetup(directory: cluster.directory)
    }

    /// Refuses (exit 2) a rehearsal where simulated steps cannot run in their sandbox.
    static func requireSandbox() throws {
        if let reason = SimTransport.sandboxUnavailableReason() {
            throw CLIFailure(.error("cannot rehearse: \(reason)", at: nil), code: 2).report()
        }
    }

    /// The simulator's own inventory (every simulated host, `transport: sim`).
    var inventoryPath: String { SimLayout(directory: directory).inventoryPath }

    /// Every inventory host goes to the simulator, and so do steps without `on`: they run on the
    /// simulated controller (`DIR/hosts/localhost/root`), sandboxed like every simulated step.
    var transports: TransportFactory {
        let dir = directory
        return TransportFactory(simulated: { host in SimTransport(host: host, simDirectory: dir, base: LocalTransport()) },
                                everyHostSimulated: true)
    }

    /// Reads a file from a simulated host's tree, for plan diffs.
    var fileReader: Planner.FileReader {
        let dir = directory
        return { host, path in SimLayout(directory: dir).tree(of: host.name).read(path) }
    }
}
