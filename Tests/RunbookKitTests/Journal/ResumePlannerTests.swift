import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Resume planner")
struct ResumePlannerTests {
    private let planner = ResumePlanner(steps: [
        .init(id: "check-health", changesState: false),
        .init(id: "cordon", idempotent: true),
        .init(id: "backup", hasVerify: true),
        .init(id: "remove-member"),
        .init(id: "restart"),
    ])

    private func state(_ steps: [String: RunState.StepStatus], rollingBack: Bool = false,
                       rollbackInFlight: Set<String> = [], order: [String] = []) -> RunState {
        RunState(status: .interrupted,
                 steps: Dictionary(uniqueKeysWithValues: steps.map {
                     ($0.key, RunState.StepRecord(key: $0.key, status: $0.value, rollbackInFlight: rollbackInFlight.contains($0.key)))
                 }),
                 completionOrder: order, rollingBack: rollingBack)
    }

    @Test("completed steps are skipped, unknown ones run, in-flight ones by their facts")
    func defaults() throws {
        let plan = try planner.plan(state([
            "check-health@m0": .inFlight, "cordon@m0": .inFlight, "backup@m0": .inFlight, "restart": .succeeded,
        ]))
        #expect(plan.action(for: StepInstance(stepID: "check-health", host: "m0")) == .rerun)
        #expect(plan.action(for: StepInstance(stepID: "cordon", host: "m0")) == .rerun)
        #expect(plan.action(for: StepInstance(stepID: "backup", host: "m0")) == .probe)
        #expect(plan.action(for: StepInstance(stepID: "restart")) == .skip)
        #expect(plan.action(for: StepInstance(stepID: "remove-member")) == .run)
        #expect(plan.decisionEvents.isEmpty)
    }

    @Test("an in-flight step that is neither idempotent nor verifiable needs the operator")
    func needsDecision() throws {
        let error = try #require(throws: ResumeNeedsDecision.self) {
            try planner.plan(state(["remove-member@m1": .inFlight, "remove-member@m2": .inFlight, "cordon": .succeeded]))
        }
        #expect(error.instances.map(\.key) == ["remove-member@m1", "remove-member@m2"])
        #expect(error.diagnostic.message == "cannot tell whether these were done when the run stopped: remove-member@m1, remove-member@m2")
        #expect(error.diagnostic.hint?.hasPrefix("check by hand, then resume with --rerun remove-member or --skip remove-member") == true)
    }

    @Test("an in-flight `use` step is entered again; its sub-runbook's in-flight steps are decided one by one")
    func subRunbook() throws {
        let planner = ResumePlanner(steps: [
            .init(id: "drain", usesSubRunbook: true), .init(id: "drain/cordon", idempotent: true),
            .init(id: "drain/evict", idempotent: true), .init(id: "drain/delete"),
        ])
        let plan = try planner.plan(state(["drain": .inFlight, "drain/cordon@m0": .succeeded, "drain/evict@m0": .inFlight]))
        #expect(plan.action(for: StepInstance(stepID: "drain")) == .rerun)
        #expect(plan.action(for: StepInstance(stepID: "drain/cordon", host: "m0")) == .skip)
        #expect(plan.action(for: StepInstance(stepID: "drain/evict", host: "m0")) == .rerun)
        let error = try #require(throws: ResumeNeedsDecision.self) {
            try planner.plan(state(["drain": .inFlight, "drain/delete@m0": .inFlight]))
        }
        #expect(error.instances.map(\.key) == ["drain/delete@m0"])
    }

    @Test("--rerun and --skip decide, and are journaled as operator decisions")
    func operatorChoices() throws {
        let plan = try planner.plan(state(["remove-member@m1": .inFlight, "restart": .inFlight]),
                                    choices: .init(rerun: ["remove-member"], skip: ["restart"]))
        #expect(plan.action(for: StepInstance(stepID: "remove-member", host: "m1")) == .rerun)
        #expect(plan.action(for: StepInstance(stepID: "restart")) == .skip)
        #expect(plan.decisionEvents == [
            RunEvent(.operatorDecision, step: "remove-member@m1", message: "rerun: --rerun remove-member"),
            RunEvent(.operatorDecision, step: "restart", message: "skip: --skip restart"),
        ])
    }

    @Test("--rerun never re-runs a completed step; --from does")
    func fromStep() throws {
        let s = state(["cordon": .succeeded, "backup": .succeeded, "remove-member": .failed])
        let rerun = try planner.plan(s, choices: .init(rerun: ["backup"]))
        #expect(rerun.action(for: StepInstance(stepID: "backup")) == .skip)
        #expect(rerun.action(for: StepInstance(stepID: "remove-member")) == .rerun)
        let from = try planner.plan(s, choices: .init(from: "backup"))
        #expect(from.action(for: StepInstance(stepID: "cordon")) == .skip)
        #expect(from.action(for: StepInstance(stepID: "backup")) == .rerun)
        #expect(from.fromStep == "backup")
        #expect(from.decisionEvents == [RunEvent(.operatorDecision, step: "backup", message: "from: --from backup")])
    }

    @Test("unknown step ids in flags are errors listing the known ids")
    func unknownStep() throws {
        let error = try #require(throws: DiagnosticError.self) {
            try planner.plan(state([:]), choices: .init(rerun: ["nope"], skip: ["cordon"], from: "later"))
        }
        #expect(error.diagnostics.map(\.message) == ["--from later: the runbook has no step 'later'",
                                                     "--rerun nope: the runbook has no step 'nope'"])
    }

    @Test("an interrupted rollback continues; a rollback in flight of a non-idempotent step needs a decision")
    func rollback() throws {
        let s = state(["cordon": .succeeded, "backup": .succeeded, "remove-member": .failed], rollingBack: true,
                      rollbackInFlight: ["backup"], order: ["cordon", "backup"])
        let error = try #require(throws: ResumeNeedsDecision.self) { try planner.plan(s) }
        #expect(error.instances == [.init(key: "backup", stepID: "backup", rollback: true)])
        let plan = try planner.plan(s, choices: .init(skip: ["backup"]))
        #expect(plan.continuesRollback)
        #expect(plan.rollbackOrder == ["cordon"])
        #expect(try planner.plan(s, choices: .init(rerun: ["backup"])).rollbackOrder == ["backup", "cordon"])
        #expect(plan.action(for: StepInstance(stepID: "backup")) == .skip)
        #expect(plan.action(for: StepInstance(stepID: "cordon")) == .skip)
    }
}
