import Testing
import RunbookCore

/// How `plan` text shows multi-line scripts, hosts a `when` excludes, and `max_parallel`.
@Suite struct PlanTextRendererTests {
    func step(_ invocations: [PlannedInvocation], when: PlannedCondition? = nil, maxParallel: Int? = nil,
              rollback: [PlannedInvocation] = []) -> Plan {
        let s = PlannedStep(id: "restart", title: nil, source: nil, location: "rb.yaml:3:5", action: "run", changesState: true,
                            level: 0, dependsOn: [], hosts: Array(Set(invocations.map(\.host))).sorted(), forEach: nil, when: when,
                            invocations: invocations, rollback: rollback, captures: [], timeout: nil, retries: nil,
                            onFailure: "rollback", idempotent: false, parent: nil, maxParallel: maxParallel)
        return Plan(runbook: "rb", title: nil, source: nil, file: "rb.yaml", params: [], inventory: nil, levels: [["restart"]], steps: [s])
    }

    func body(_ plan: Plan) -> String {
        let text = PlanTextRenderer().render(plan)
        return String(text[text.range(of: "[changes]")!.lowerBound...])
    }

    @Test func continuationLinesAlignUnderTheFirstLineAndTheFinalNewlineIsNotShown() {
        let plan = step([PlannedInvocation(host: "m1", command: "set -e\nmaster-restart api\n\nmaster-restart controllers\n")],
                        rollback: [PlannedInvocation(host: "m1", command: "a\nb")])
        #expect(body(plan) == """
            [changes]   restart (run)
                on: m1
                [m1] $ set -e
                       master-restart api

                       master-restart controllers
                rollback:
                  [m1] $ a
                         b

            """)
    }

    @Test func hostsThatAWhenExcludesAreMarkedAndParallelismIsShown() {
        let plan = step([PlannedInvocation(host: "m1", command: "master-restart api", skipped: true),
                         PlannedInvocation(host: "m2", command: "master-restart api")],
                        when: PlannedCondition(expression: "${{ host != params.master }}", value: nil), maxParallel: 1)
        #expect(body(plan) == """
            [changes]   restart (run)
                on: m1, m2
                when: ${{ host != params.master }} → true for some hosts or items, false for the others (marked skipped below)
                parallel: one host or item at a time
                [m1] skipped: `when` is false for this host
                [m2] $ master-restart api

            """)
    }

    @Test func aWhenFalseEverywhereKeepsTheCommandsVisible() {
        let plan = step([PlannedInvocation(host: "m1", command: "x", skipped: true)],
                        when: PlannedCondition(expression: "${{ params.force }}", value: false))
        #expect(body(plan).contains("when: ${{ params.force }} → false (the step will be skipped)\n    [m1] $ x\n"))
    }
}
