import Foundation
import RunbookEngine
import SimulatorKit

/// Runs scenarios, each in a simulator and state directory of its own, up to `jobs` at once.
public struct ScenarioRunner: Sendable {
    /// The `runbook` binary (this process's own executable).
    public var binary: String
    /// The `runbook-sim` tools the simulators link to.
    public var toolPath: String
    /// Keep every scenario's directory, not only the failed ones.
    public var keep: Bool

    /// Creates a value with every field given.
    public init(binary: String, toolPath: String, keep: Bool = false) {
        self.binary = binary
        self.toolPath = toolPath
        self.keep = keep
    }

    /// Runs every scenario; `report` is called as each one ends (from a worker thread, serially).
    public func run(_ scenarios: [Scenario], jobs: Int, report: @escaping @Sendable (ScenarioOutcome) -> Void) -> [ScenarioOutcome] {
        let results = OutcomeList(count: scenarios.count)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        for (index, scenario) in scenarios.enumerated() {
            queue.addOperation {
                let outcome = self.run(scenario)
                results.set(index, outcome, then: report)
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.all
    }

    /// Runs one scenario.
    public func run(_ scenario: Scenario) -> ScenarioOutcome {
        let started = Date()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-test-\(UUID().uuidString)").path
        var outcome = ScenarioOutcome(scenario: scenario, failures: [], runID: nil, workDirectory: work, seconds: 0)
        do {
            try execute(scenario, in: work, into: &outcome)
        } catch {
            outcome.failures.append("could not run the scenario: \(error)")
        }
        outcome.seconds = Date().timeIntervalSince(started)
        if outcome.passed, !keep { try? FileManager.default.removeItem(atPath: work) }
        return outcome
    }

    private func execute(_ scenario: Scenario, in work: String, into outcome: inout ScenarioOutcome) throws {
        let simDirectory = work + "/sim", state = work + "/state"
        let description = try scenario.cluster.map { path throws in try ClusterDescription.load(contentsOf: path) } ?? .default
        let cluster = try SimCluster.create(at: simDirectory, description: description, toolPath: toolPath,
                                            realEtcd: scenario.realEtcd)
        // Real members stop with the scenario, also when its directory is kept (a failure, --keep).
        let realEtcd = RealEtcd(simDirectory: cluster.directory)
        defer { realEtcd.stopAll() }
        for command in scenario.setup {
            if let problem = try Self.runSetup(command, in: cluster, output: work + "/setup.out") {
                outcome.failures.append("\(command.location): \(problem)")
                return
            }
        }
        for fault in scenario.faults {
            do { try cluster.inject(try Fault.parse(fault.words)) } catch {
                outcome.failures.append("\(fault.location): fault \(fault.words.joined(separator: " ")): \(error)")
                return
            }
        }
        try realEtcd.sync()
        let before = try scenario.expect.cluster.contains { if case .unchanged = $0.0 { true } else { false } }
            ? ClusterSnapshot.take(cluster) : nil
        let launcher = ProcessLauncher(binary: binary)
        let arguments = ["run", scenario.runbook, "--sim", simDirectory, "--state-dir", state, "--yes", "--output", "json",
                         "--operator", "runbook-test"] + scenario.params.flatMap { ["--param", $0] }
        // `faults_at`: the run holds at each named step's start; its faults go in once, at the
        // first instance to start, before that instance's command runs.
        var pendingAt = scenario.faultsAt
        var result = try launcher.run(arguments, stderrPath: work + "/run.stderr", killWhenStarted: scenario.crash?.step,
                                      holdAt: scenario.faultsAt.map(\.step)) { started in
            for entry in pendingAt where ProcessLauncher.matches(started, entry.step) {
                for fault in entry.faults { try cluster.inject(try Fault.parse(fault.words)) }
                try realEtcd.sync()
            }
            pendingAt.removeAll { ProcessLauncher.matches(started, $0.step) }
        }
        outcome.runID = runID(in: state)
        for entry in pendingAt {
            outcome.failures.append("\(entry.location): faults_at: step '\(entry.step)' never started, so its faults were not injected")
        }
        if let crash = scenario.crash {
            guard result.killed else {
                outcome.failures.append("kill_at: step '\(crash.step)' never started (the run ended with exit \(result.status))")
                return
            }
            guard let id = outcome.runID else {
                outcome.failures.append("kill_at: the killed run left no run directory to resume")
                return
            }
            if crash.clearFaults { try cluster.clearFaults() }
            let decisions = crash.rerun.flatMap { ["--rerun", $0] } + crash.skip.flatMap { ["--skip", $0] }
            // Secret params are never stored: the operator gives them again (RUNBOOK_SECRET_<NAME>).
            var secrets: [String: String] = [:]
            for param in scenario.params {
                guard let equals = param.firstIndex(of: "=") else { continue }
                secrets[SecretParamSource.environmentName(for: String(param[..<equals]))] = String(param[param.index(after: equals)...])
            }
            result = try launcher.run(["resume", id, "--state-dir", state, "--yes", "--output", "json", "--operator", "runbook-test"]
                                      + decisions, stderrPath: work + "/resume.stderr", extraEnvironment: secrets)
        }
        if let exit = scenario.expect.exit, exit != result.status {
            let stderr = (try? String(contentsOfFile: work + (scenario.crash == nil ? "/run.stderr" : "/resume.stderr"), encoding: .utf8)) ?? ""
            let last = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
            outcome.failures.append("exit: expected \(exit), got \(result.status)\(last.isEmpty ? "" : " (stderr: \(last))")")
        }
        let replayed = try outcome.runID.map { try JournalReader.replay(state + "/runs/\($0)/journal.jsonl").state }
        let states = StepStates(replayed ?? RunState())
        for expectation in scenario.expect.steps {
            for id in expectation.ids {
                let found = states.states(of: id)
                if found != [expectation.state] {
                    outcome.failures.append("step '\(id)': expected \(expectation.state), got \(found.sorted().joined(separator: ", "))")
                }
            }
        }
        let end = try cluster.state()
        for (check, _) in scenario.expect.cluster {
            if let problem = ClusterAssertions.problem(check, in: end, cluster: cluster, before: before) {
                outcome.failures.append(problem)
            }
        }
    }

    /// Runs a setup command (a simulated tool, as on its host); nil when it exits 0, else the
    /// failure to report.
    private static func runSetup(_ command: Scenario.SetupCommand, in cluster: SimCluster, output: String) throws -> String? {
        let words: [String]
        switch command.action {
        case .growDisk(let device, let mib):
            do { try cluster.growDisk(host: command.host, device: device, toMiB: mib) } catch {
                return "setup: grow_disk \(device) on \(command.host): \(error)"
            }
            return nil
        case .write(let path, let content):
            do { try ConfinedTool(simDirectory: cluster.directory, host: command.host).write(path, content: content) } catch {
                return "setup: write \(path) on \(command.host): \(error)"
            }
            return nil
        case .tool(let tool): words = tool
        }
        // In the host's sandbox, as a rehearsal's steps run: a tool that runs a command (`ssh
        // HOST CMD`, `sudo`) must not reach this machine (`ConfinedTool`).
        let status: Int32
        do { status = try ConfinedTool(simDirectory: cluster.directory, host: command.host).run(words, output: output) } catch {
            return "setup: \(words.joined(separator: " ")) on \(command.host): \(error)"
        }
        guard status != 0 else { return nil }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return "setup: \(words.joined(separator: " ")) on \(command.host) exited \(status): "
            + text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The scenario's one run (a scenario starts one run and may resume it).
    private func runID(in state: String) -> String? {
        RunDirectory.list(stateDirectory: state).first?.runID
    }
}

/// Results filled in by worker threads, reported one at a time.
private final class OutcomeList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ScenarioOutcome?]
    init(count: Int) { items = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: ScenarioOutcome, then report: (ScenarioOutcome) -> Void) {
        lock.withLock {
            items[index] = outcome
            report(outcome)
        }
    }

    var all: [ScenarioOutcome] { lock.withLock { items.compactMap { $0 } } }
}
