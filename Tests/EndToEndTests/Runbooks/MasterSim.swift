import Foundation
import Testing

/// One rehearsal of the master/etcd runbooks: a fresh simulated cluster and state directory in
/// a temporary directory, driven through the built `runbook` binary.
struct MasterSim {
    let scratch: Scratch
    let root: URL
    var sim: String { root.appendingPathComponent("sim").path }
    var state: String { root.appendingPathComponent("state").path }

    /// The repository's runbooks/ directory.
    static let runbooks = CLI.runbooks

    /// Creates the temporary directory and `runbook sim init`s the default cluster (or `cluster`).
    init(cluster: String? = nil) throws {
        scratch = try Scratch(prefix: "master-sim")
        root = scratch.url
        var args = ["sim", "init", sim]
        if let cluster {
            let file = root.appendingPathComponent("cluster.yaml").path
            try cluster.write(toFile: file, atomically: true, encoding: .utf8)
            args += ["--cluster", file]
        }
        let result = try CLI.run(args)
        guard result.status == 0 else { throw SimError.command(args, result.output) }
    }

    enum SimError: Error { case command([String], String), noRunID(String) }

    /// `runbook run runbooks/NAME.yaml --sim … --yes --state-dir …` with `k=v` params.
    func run(_ name: String, _ params: [String: String], yes: Bool = true) -> CLI.Outcome {
        CLI.outcome(runArguments(name, params, yes: yes))
    }

    func runArguments(_ name: String, _ params: [String: String], yes: Bool = true) -> [String] {
        var args = ["run", "\(Self.runbooks)/\(name).yaml", "--sim", sim, "--state-dir", state]
        for (key, value) in params.sorted(by: { $0.key < $1.key }) { args += ["--param", "\(key)=\(value)"] }
        return yes ? args + ["--yes"] : args
    }

    /// `runbook resume RUN --state-dir … --yes` plus `extra`.
    func resume(_ run: String, _ extra: [String] = []) -> CLI.Outcome {
        CLI.outcome(["resume", run, "--state-dir", state, "--yes"] + extra)
    }

    /// `runbook audit verify RUN`.
    func verify(_ run: String) -> CLI.Outcome {
        CLI.outcome(["audit", "verify", run, "--state-dir", state])
    }

    /// `runbook sim fault DIR ARGS…`; throws when it fails.
    func fault(_ args: String...) throws {
        let result = try CLI.run(["sim", "fault", sim] + args)
        guard result.status == 0 else { throw SimError.command(args, result.output) }
    }

    /// `runbook sim state DIR --output json`, parsed.
    func stateJSON() throws -> [String: Any] {
        let result = try CLI.run(["sim", "state", sim, "--output", "json"])
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw SimError.command(["sim", "state"], result.output) }
        return object
    }

    /// The cluster state with what legitimately differs between two equal clusters removed:
    /// `sequence` is the simulator's write counter (every read-modify-write bumps it, even one
    /// that changes nothing), and a pod's `created` is the wall-clock time the simulator made it
    /// (two sims made a minute apart, or a static pod re-created when its manifest comes back,
    /// differ only in it). Pod names are seeded, so they are compared as they are.
    func comparableState() throws -> NSDictionary {
        var state = try stateJSON()
        state.removeValue(forKey: "sequence")
        state.removeValue(forKey: "simulatedSeconds")  // the simulated clock: a drain advances it, a rollback does not undo it
        if let pods = state["pods"] as? [[String: Any]] {
            state["pods"] = pods.map { pod -> [String: Any] in
                var pod = pod
                pod.removeValue(forKey: "created")
                return pod
            }
        }
        return state as NSDictionary
    }

    /// Enlarges a disk of a simulated host (see `SimDisk.grow`).
    func growDisk(_ host: String, _ device: String, toMiB size: Int) throws {
        try SimDisk.grow(sim: sim, host, device, toMiB: size)
    }

    /// Expects the cluster state and every host file (but those `excluded`) to be as `before`
    /// and `files` (taken with the same exclusion).
    func expectUnchanged(since before: NSDictionary, files: [String: Data], excluding excluded: (String) -> Bool = { _ in false },
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try comparableState() == before, "the cluster changed", sourceLocation: sourceLocation)
        let now = hostFiles(excluding: excluded)
        #expect(now.keys.sorted() == files.keys.sorted(), sourceLocation: sourceLocation)
        #expect(now.keys.filter { now[$0] != files[$0] }.sorted() == [], sourceLocation: sourceLocation)
    }

    /// A file of a simulated host (nil when missing).
    func file(_ host: String, _ path: String) -> String? {
        try? String(contentsOfFile: "\(sim)/hosts/\(host)/root\(path)", encoding: .utf8)
    }

    func exists(_ host: String, _ path: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(sim)/hosts/\(host)/root\(path)")
    }

    /// Every regular file under the hosts' trees, relative path -> contents (for before/after comparisons).
    func hostFiles(excluding excluded: (String) -> Bool = { _ in false }) -> [String: Data] {
        Self.hostFiles(in: sim, excluding: excluded)
    }

    /// Every regular file under the hosts' trees of the simulator in `sim`, relative path -> contents.
    static func hostFiles(in sim: String, excluding excluded: (String) -> Bool = { _ in false }) -> [String: Data] {
        let base = URL(fileURLWithPath: "\(sim)/hosts")
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let relative = String(url.path.dropFirst(base.path.count + 1))
            if excluded(relative) { continue }
            files[relative] = try? Data(contentsOf: url)
        }
        return files
    }

    /// The run id printed on stderr at exit (`run <id> can be resumed…` / `run <id>: see…`).
    static func runID(_ output: String) throws -> String {
        for line in output.split(separator: "\n") where line.hasPrefix("run ") {
            let words = line.split(separator: " ")
            if words.count > 1 { return String(words[1]).trimmingCharacters(in: CharacterSet(charactersIn: ":")) }
        }
        throw SimError.noRunID(output)
    }

    /// The single run directory in the state directory (for runs killed before they printed anything).
    func onlyRunID() throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: "\(state)/runs").filter { !$0.hasPrefix(".") }
        guard runs.count == 1, let run = runs.first else { throw SimError.noRunID(runs.joined(separator: ",")) }
        return run
    }

    /// The run's journal lines, parsed.
    func journal(_ run: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: "\(state)/runs/\(run)/journal.jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Events of one kind, as (step, message) pairs.
    func events(_ run: String, _ kind: String) -> [(step: String, message: String)] {
        journal(run).filter { $0["event"] as? String == kind }
            .map { ($0["step"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    /// Starts a run, waits until the journal shows `stepStarted` for `step` (a step key or its
    /// prefix before `@`), then SIGKILLs the runbook process. Returns the run id.
    func runAndKill(_ name: String, _ params: [String: String], at step: String, seconds: Double = 60) async throws -> String {
        let child = try CLI.start(runArguments(name, params))
        let deadline = Date().addingTimeInterval(seconds)
        var run: String?
        // The journal is read once more after the deadline: under load the sleep below can come
        // back only after the deadline (blocking tests hold the cooperative threads), and a step
        // that started meanwhile (held by a fault) must still be found.
        var lastLook = false
        while !lastLook {
            lastLook = Date() >= deadline
            if run == nil { run = try? onlyRunID() }
            if let run, journal(run).contains(where: {
                $0["event"] as? String == "stepStarted"
                    && (($0["step"] as? String) == step || ($0["step"] as? String)?.hasPrefix(step + "@") == true)
            }) {
                child.send(SIGKILL)
                _ = await child.wait()
                return run
            }
            if !child.isRunning { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        if child.isRunning { child.send(SIGKILL) }
        let outcome = await child.wait()
        throw SimError.noRunID("step \(step) never started (run \(run ?? "none")): \(outcome.output)")
    }

    /// Runs one of the simulator's tools (`bin/TOOL`) as if on `host`.
    func tool(_ host: String, _ tool: String, _ args: String...) -> CLI.Outcome {
        CLI.outcome(args, environment: ["RUNBOOK_SIM_DIR": sim, "RUNBOOK_SIM_HOST": host], program: .executable("\(sim)/bin/\(tool)"))
    }

    /// Host files of two sims that ran the same runbook: the same paths, the same contents,
    /// except compressed archives, whose gzip header and tar entries carry the wall-clock
    /// time they were written, and the SHA256SUMS that list their sums (only their presence
    /// is compared).
    static func expectSameFiles(_ a: MasterSim, _ b: MasterSim, sourceLocation: SourceLocation = #_sourceLocation) {
        let left = timeless(a.hostFiles()), right = timeless(b.hostFiles())
        #expect(left.keys.sorted() == right.keys.sorted(), sourceLocation: sourceLocation)
        let archive = { (path: String) in path.hasSuffix(".tgz") || path.hasSuffix(".tar.gz") || path.hasSuffix("/SHA256SUMS") }
        let differing = left.keys.filter { !archive($0) && left[$0] != right[$0] }.sorted()
        #expect(differing == [], sourceLocation: sourceLocation)
    }

    /// `files` with backup-etcd's off-host run directory (`…/<date>/etcd-HHMMSS/`, named by the
    /// wall-clock time of the run) written as `etcd-<time>`, so two runs compare.
    static func timeless(_ files: [String: Data]) -> [String: Data] {
        let stamp = /\/etcd-[0-9]{6}\//
        return Dictionary(files.map { ($0.key.replacing(stamp, with: "/etcd-<time>/"), $0.value) }) { first, _ in first }
    }

    func remove() { scratch.remove() }
}
