/// What running one scenario found.
public struct ScenarioOutcome: Sendable {
    public var scenario: Scenario
    /// Each expectation that did not hold: what was expected and what was found.
    public var failures: [String]
    /// The run id, to inspect with `runbook status/audit --state-dir STATE`.
    public var runID: String?
    /// Where the scenario's simulator and state were kept (failed scenarios keep them).
    public var workDirectory: String
    public var seconds: Double
    public var passed: Bool { failures.isEmpty }
}
