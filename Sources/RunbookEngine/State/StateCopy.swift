import Foundation
import RunbookYAML

/// `runbook state copy FROM TO`: runs copied between backends (a local run into the team store,
/// or back), each verified (`RunVerifier`: chain, seal, setup and output files) before it is
/// copied and again where it landed.
public enum StateCopy {
    public struct Outcome: Sendable {
        /// Run ids copied and verified at the target.
        public var copied: [String] = []
        /// Runs not copied, or copied but not verifying at the target.
        public var problems: [Diagnostic] = []
    }

    /// Copies the runs of `source` (already pulled into its `stateDirectory`), or those in `only`.
    /// - Parameter scratch: an empty local directory to read a copy back from etcd into.
    public static func copy(from source: any StateBackend, to target: any StateBackend, only: [String]?,
                            scratch: String) -> Outcome {
        var outcome = Outcome()
        for directory in RunDirectory.list(stateDirectory: source.stateDirectory).reversed() {
            let id = directory.runID
            if let only, !only.contains(where: { id.hasPrefix($0) }) { continue }
            guard let problem = verify(directory, where: "\(source.location)") else {
                do {
                    let landed = try place(directory, into: target, scratch: scratch)
                    if let problem = verify(landed, where: "\(target.location)") {
                        outcome.problems.append(problem)
                    } else {
                        outcome.copied.append(id)
                    }
                } catch {
                    outcome.problems.append(.error("run \(id) was not copied: \(error)", at: nil))
                }
                continue
            }
            outcome.problems.append(problem)
        }
        return outcome
    }

    /// Nil when the run verifies, else its first problem prefixed with the run and the place.
    static func verify(_ directory: RunDirectory, where place: String) -> Diagnostic? {
        do {
            let report = try RunVerifier(directory).verify()
            guard var problem = report.problems.first else { return nil }
            problem.message = "run \(directory.runID) in \(place) does not verify: \(problem.message)"
            return problem
        } catch {
            return .error("run \(directory.runID) in \(place) cannot be read: \(error)", at: nil)
        }
    }

    /// Writes the run into `target`; returns where to verify it from.
    private static func place(_ directory: RunDirectory, into target: any StateBackend, scratch: String) throws -> RunDirectory {
        let id = directory.runID
        if let etcd = target as? EtcdStateBackend {
            try etcd.push(directory)
            let readBack = EtcdStateBackend(config: etcd.config, workingCopy: scratch, fileCap: etcd.fileCap, client: etcd.client)
            try readBack.pull(run: id)
            return RunDirectory(path: "\(scratch)/runs/\(id)", runID: id)
        }
        let destination = "\(target.stateDirectory)/runs/\(id)"
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw EtcdStateError("\(destination) already exists")
        }
        try PrivateFiles.makeDirectory("\(target.stateDirectory)/runs")
        try FileManager.default.copyItem(atPath: directory.path, toPath: destination)
        return RunDirectory(path: destination, runID: id)
    }
}
