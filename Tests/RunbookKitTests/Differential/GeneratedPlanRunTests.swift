import Foundation
import Testing
import RunbookYAML
import RunbookCore
import RunbookEngine
import TestSupport

/// The plan is what runs: 500 seeded random runbooks are planned (`Planner`, the value
/// `plan --output json` renders) and run by the engine over a recording transport; every
/// command run must be one the plan shows, every fully known planned command must run, and
/// the plan's dependencies must hold. A failure names the seed and the first differing step;
/// `RunbookGenerator.make(seed:)` rebuilds that runbook.
@Suite("Plan/run differential: generated runbooks")
struct GeneratedPlanRunTests {
    static let count: UInt64 = 500

    /// Plans and runs one generated case; nil when they agree, else what differs.
    /// - Parameter directory: holds `main.yaml` and `sub.yaml` on disk (`use` checks that the file exists);
    ///   the generated text is loaded as `main.yaml` from memory.
    static func difference(_ generated: RunbookGenerator.Case, in directory: String) async -> String? {
        let main = directory + "/main.yaml", sub = directory + "/sub.yaml"
        let load: UseResolver.Load = { (path: String) throws(DiagnosticError) -> Runbook in
            let text = path == main ? generated.main : path == sub ? RunbookGenerator.subRunbook : ""
            return try RunbookLoader().load(bytes: Array(text.utf8), file: path)
        }
        let inventory = RunbookGenerator.inventory
        let checked: RunbookValidation.Checked, params: ResolvedParams, plan: Plan
        do {
            checked = try RunbookValidation(load: load).check(file: main, inventory: inventory)
            params = try ParamResolver(environment: [:]).resolve(checked.runbook, assignments: generated.assignments)
            plan = try Planner().plan(runbook: checked.runbook, params: params, inventory: inventory,
                                      subRunbooks: checked.subRunbooks)
        } catch {
            return "does not plan: \(error.diagnostics.map(\.description))"
        }
        let transports = RecordingTransports()
        let recorder = MemoryRecorder()
        let engine = Engine(runbook: checked.runbook, subRunbooks: checked.subRunbooks, params: params.values,
                            secretParams: params.secretNames, inventory: inventory, transports: transports,
                            recorder: recorder, approver: FixedApprover(.approved(by: "test")), reporter: SilentProgress(),
                            outputs: MemoryOutputStore(), options: EngineOptions(parallel: 4, clock: VirtualClock()))
        let outcome = await engine.run()
        let events = await recorder.events
        guard outcome.status == .succeeded else {
            return "the run did not succeed: \(outcome.status) at \(outcome.failedStep ?? "?"): \(outcome.reason ?? "")"
        }
        return PlanRunDifferential.firstDifference(plan: plan, events: events, transportLog: transports.log.entries)
    }

    @Test("500 generated runbooks: run executes exactly what plan shows")
    func generated() async throws {
        let h = try EngineHarness()
        try RunbookGenerator.subRunbook.write(toFile: h.path("sub.yaml"), atomically: true, encoding: .utf8)
        try "".write(toFile: h.path("main.yaml"), atomically: true, encoding: .utf8)
        let directory = h.directory.path
        // Four cases at a time; each has its own engine, transport and journal.
        let failures = await withTaskGroup(of: (UInt64, String?).self) { group in
            var next: UInt64 = 0, failures: [(seed: UInt64, text: String)] = []
            func launch() {
                guard next < Self.count else { return }
                let seed = next
                next += 1
                group.addTask {
                    let generated = RunbookGenerator.make(seed: seed)
                    guard let difference = await Self.difference(generated, in: directory) else { return (seed, nil) }
                    return (seed, "seed \(seed) (params \(generated.assignments)): \(difference)\n\(generated.main)")
                }
            }
            for _ in 0..<4 { launch() }
            while let (seed, failure) = await group.next() {
                if let failure { failures.append((seed, failure)) }
                launch()
            }
            return failures.sorted { $0.seed < $1.seed }.prefix(3).map(\.text)
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    @Test("the generator covers what the differential is about")
    func coverage() {
        let texts = (0..<Self.count).map { RunbookGenerator.make(seed: $0).main }
        let all = texts.joined(separator: "\n")
        for feature in ["on: masters\n", "on: nodes\n", "on: masters[", "on: ${{ params.target }}", "on: ${{ params.group }}",
                        "on: ${{ steps.", "for_each: [a, b, c]", "for_each: ${{ params.items }}", "for_each: ${{ hosts.nodes }}",
                        "for_each: ${{ steps.", "when: ${{ steps.", "when: ${{ item", "when: ${{ host", "use: ./sub.yaml",
                        "who: ${{ steps.", "n: 3", "n: ${{ params.count }}", "flag: ${{ params.flag }}", "list: p,q",
                        "list: ${{ hosts.nodes }}", "needs: [", "verify:", "check:", "capture:"] {
            #expect(all.contains(feature), "no generated runbook has \(feature.debugDescription)")
        }
    }

    @Test("a difference is reported with the step: a command the plan does not show")
    func detectsADifference() async throws {
        let plan = Plan(runbook: "r", title: nil, source: nil, file: "r.yaml", params: [], inventory: nil, lock: nil,
                        levels: [["a"]], steps: [
                            PlannedStep(id: "a", title: nil, source: nil, location: "r.yaml:3:5", action: "run", changesState: true,
                                        level: 0, dependsOn: [], hosts: ["m0"], forEach: nil, when: nil,
                                        invocations: [PlannedInvocation(host: "m0", command: "echo 'x'")], rollback: [],
                                        captures: [], timeout: nil, retries: nil, onFailure: "rollback", idempotent: false,
                                        parent: nil),
                        ])
        let ran = [RunEvent(.stepStarted, step: "a@m0", host: "m0"),
                   RunEvent(.attemptStarted, step: "a@m0", host: "m0", attempt: 1, command: "echo x")]
        let difference = PlanRunDifferential.firstDifference(plan: plan, events: ran,
                                                             transportLog: [.init(host: "m0", command: "echo x")])
        #expect(difference == "step 'a' ran m0: echo x, which its plan does not show (plan: m0: echo 'x')")
    }
}
