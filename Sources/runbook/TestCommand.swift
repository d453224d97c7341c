import ArgumentParser
import Foundation
import RunbookScenarios
import RunbookYAML
import RunbookTerminal
import SimulatorKit

/// `runbook test [PATH…]`: rehearsal scenarios, each in a simulator of its own.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rehearsal scenarios (*.test.yaml) against simulated clusters.",
        discussion: """
            Each scenario names a runbook and its params, the simulated cluster, setup commands
            and faults injected before the run or when a given step starts, optionally a step at
            which `runbook` is killed (kill -9) and how the run is then resumed, and what must hold at the end: the exit status, how steps ended
            (succeeded, failed, skipped, rolled_back, not_run) and the simulated cluster's state.
            The format is in docs/scenarios.md. A failed scenario keeps its simulator and state
            directory and names them, with the run id, to inspect with `runbook status`/`audit`.

            Prints one line per scenario and a closing `N passed, N failed`. Exit status: 0 when
            every scenario passed, 1 when one failed, 2 when a scenario file is invalid.

            Examples:
              runbook test runbooks
              runbook test runbooks/tests/drain-node.test.yaml --junit report.xml --jobs 2
            """)

    @Argument(help: "Scenario files or directories (searched for *.test.yaml).")
    var paths: [String] = ["runbooks"]

    @Option(help: "Scenarios run at once.")
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Also write a JUnit XML report here.", valueName: "file"))
    var junit: String?

    @Flag(help: "Keep every scenario's simulator and state directory, also when it passed.")
    var keep = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let files = ScenarioDiscovery.files(in: paths)
        guard !files.isEmpty else {
            CLIOutput.printError(message: "no scenarios (*.test.yaml) in \(paths.joined(separator: ", "))")
            throw ExitCode(2)
        }
        var scenarios: [Scenario] = []
        var invalid: [Diagnostic] = []
        for file in files {
            do { scenarios.append(try ScenarioLoader().load(contentsOf: file)) } catch { invalid += error.diagnostics }
        }
        if !invalid.isEmpty {
            CLIOutput.printDiagnostics(invalid)
            throw ExitCode(2)
        }
        let runner = ScenarioRunner(binary: Self.ownExecutable(), toolPath: SimCluster.defaultToolPath(), keep: keep)
        let outcomes = runner.run(scenarios, jobs: jobs) { outcome in
            var text = "\(outcome.passed ? "PASS" : "FAIL") \(outcome.scenario.name) (\(outcome.scenario.file), \(String(format: "%.1f", outcome.seconds))s)\n"
            for failure in outcome.failures { text += "  - \(failure)\n" }
            if !outcome.passed {
                text += "  run \(outcome.runID ?? "none"); inspect: runbook audit \(outcome.runID ?? "RUN") --state-dir \(outcome.workDirectory)/state (simulator: \(outcome.workDirectory)/sim)\n"
            }
            StandardStream.output.write(text)
        }
        let failed = outcomes.filter { !$0.passed }.count
        print("\(outcomes.count - failed) passed, \(failed) failed")
        if let junit {
            do { try JUnitReport.xml(outcomes).write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                CLIOutput.printError(message: "cannot write \(junit): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// This process's executable: scenarios run the very binary that reads them.
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
