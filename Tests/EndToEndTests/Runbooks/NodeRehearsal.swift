import Foundation
import Testing

/// One rehearsal of the node runbooks (drain-node, uncordon-node, grow-docker-storage,
/// decommission-node): a fresh simulated cluster and state directory in a temporary directory,
/// driven through the built `runbook` binary exactly as an operator would. The directory is
/// removed when the rehearsal goes away (set RUNBOOK_KEEP_SCRATCH=1 to keep it for a look).
final class NodeRehearsal: Sendable {
    let scratch: Scratch
    let root: URL
    var sim: String { root.appendingPathComponent("sim").path }
    var state: String { root.appendingPathComponent("state").path }

    /// The repository's runbooks/ directory.
    static let runbooks = CLI.runbooks

    enum Failure: Error { case command([String], String), noRun(String), timeout(String) }

    /// Creates the temporary directory and `runbook sim init`s the default cluster.
    init() throws {
        scratch = try Scratch(prefix: "node-rehearsal")
        root = scratch.url
        try check(["sim", "init", sim])
    }

    /// Runs the binary and throws (with its output) when it does not exit 0.
    @discardableResult
    func check(_ args: [String]) throws -> String {
        let result = try CLI.run(args)
        guard result.status == 0 else { throw Failure.command(args, result.output) }
        return result.stdout
    }

    /// `runbook run runbooks/NAME.yaml --sim … --state-dir … --yes` with `k=v` params.
    func runArguments(_ name: String, _ params: [String: String]) -> [String] {
        var args = ["run", "\(Self.runbooks)/\(name).yaml", "--sim", sim, "--state-dir", state, "--yes"]
        for (key, value) in params.sorted(by: { $0.key < $1.key }) { args += ["--param", "\(key)=\(value)"] }
        return args
    }

    func run(_ name: String, _ params: [String: String]) -> CLI.Outcome {
        CLI.outcome(runArguments(name, params))
    }

    /// `runbook resume RUN --state-dir … --yes` plus `extra`.
    func resume(_ run: String, _ extra: [String] = []) -> CLI.Outcome {
        CLI.outcome(["resume", run, "--state-dir", state, "--yes"] + extra)
    }

    /// `runbook audit verify RUN` must exit 0 and report an intact chain.
    func expectAuditIntact(_ run: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = CLI.outcome(["audit", "verify", run, "--state-dir", state])
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.hasPrefix("ok: "), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.contains("chain intact"), sourceLocation: sourceLocation)
    }

    /// The id of the only run in the state directory.
    func onlyRun() throws -> String {
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: "\(state)/runs")) ?? []
        guard runs.count == 1, let run = runs.first else { throw Failure.noRun("runs: \(runs)") }
        return run
    }

    /// The ids of every run in the state directory, oldest first (ids start with the time).
    func runs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(state)/runs")) ?? []).sorted()
    }

    /// `runbook sim fault DIR ARGS…`.
    func fault(_ args: String...) throws { try check(["sim", "fault", sim] + args) }

    /// A tool of the simulated cluster run on `host` (e.g. `oc` on the first master), as a test
    /// setup step an operator would have done by hand.
    @discardableResult
    func tool(_ name: String, _ args: [String], host: String = "master-0.example.com") throws -> String {
        let result = try CLI.run(args, environment: ["RUNBOOK_SIM_DIR": sim, "RUNBOOK_SIM_HOST": host], program: .executable("\(sim)/bin/\(name)"))
        guard result.status == 0 else { throw Failure.command([name] + args, "\(result)") }
        return result.stdout
    }

    /// `runbook sim state DIR --output json`, parsed.
    func stateJSON() throws -> [String: Any] {
        let output = try check(["sim", "state", sim, "--output", "json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw Failure.command(["sim", "state"], output)
        }
        return object
    }

    /// Enlarges a disk of a simulated host (see `SimDisk.grow`).
    func growDisk(_ host: String, _ device: String, toMiB size: Int) throws {
        try SimDisk.grow(sim: sim, host, device, toMiB: size)
    }

    /// A file of a simulated host (nil when missing).
    func file(_ host: String, _ path: String) -> String? {
        try? String(contentsOfFile: "\(sim)/hosts/\(host)/root\(path)", encoding: .utf8)
    }

    /// The names of the files in a directory of a simulated host.
    func listing(_ host: String, _ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(sim)/hosts/\(host)/root\(path)")) ?? []).sorted()
    }

    /// Starts `runbook run` in the background, waits until the journal has an event matching
    /// `event`/`step` (a step key prefix such as `drain@` or `drain/drain@`), then kills the
    /// process with SIGKILL, like a crashed laptop or a lost session. Returns the run id.
    /// Synchronous on purpose: an async poll can be starved of a cooperative thread by other
    /// tests' blocking process waits and wake too late, past the window it aims for.
    func runAndKill(_ name: String, _ params: [String: String], at event: String, step: String,
                    where extra: (([String: Any]) -> Bool)? = nil) throws -> String {
        let child = try CLI.start(runArguments(name, params))
        defer { if child.isRunning { child.send(SIGKILL); _ = child.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let run = runs().first, journal(run).contains(where: { line in
                line["event"] as? String == event && (line["step"] as? String)?.hasPrefix(step) == true
                    && (extra?(line) ?? true)
            }) {
                child.send(SIGKILL)
                #expect(child.waitUntilExit().signal == SIGKILL)
                // The kill must have landed inside the window: the step has not ended yet.
                let ended = journal(run).contains { line in
                    ["stepSucceeded", "stepFailed"].contains(line["event"] as? String ?? "")
                        && (line["step"] as? String)?.hasPrefix(step) == true
                }
                #expect(!ended, "the step ended before the kill")
                return run
            }
            if !child.isRunning { throw Failure.command([name], "ended before \(event) \(step): \(child.waitUntilExit())") }
            usleep(20_000)
        }
        throw Failure.timeout("no \(event) of \(step) in the journal within 20 s")
    }

    /// Makes the simulator's `tool` hang before doing anything, so a step is held in flight at a
    /// known point (the simulator's own faults only hang `oc adm drain`): the tool's symlink in
    /// `bin/` is replaced by a script that writes its pid to the returned file and sleeps until
    /// killed. `release` kills it and puts the real tool back.
    func hold(_ tool: String) throws -> (pidFile: String, release: () -> Void) {
        let link = "\(sim)/bin/\(tool)"
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
        let pidFile = root.appendingPathComponent("\(tool).pid").path
        try FileManager.default.removeItem(atPath: link)
        try "#!/bin/sh\necho $$ > '\(pidFile)'\nwhile :; do sleep 0.05; done\n".write(toFile: link, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: link)
        return (pidFile, {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(atPath: link)
            try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        })
    }

    /// The journal's lines, parsed (a torn last line is left out).
    func journal(_ run: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: "\(state)/runs/\(run)/journal.jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}
