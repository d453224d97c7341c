import Testing
import RunbookYAML
import RunbookCore
import TestSupport

@Suite struct PlannerUseTests {
    @Test func useStepsExpandInlineWithNamespacedIds() throws {
        let at = SourceLocation(file: "runbooks/parent.yaml", line: 4, column: 5)
        let use = Step(id: "backup", action: .use(Use(reference: "backup-etcd",
                                                      with: [("host", TestTemplate.parse("${{ params.master }}", at: at))], location: at)),
                       location: at)
        let parent = TestRunbook.make("parent", params: [TestRunbook.param("master")], steps: [
            TestRunbook.run("first", "echo start", line: 2), use, TestRunbook.run("last", "echo end", line: 6),
        ], file: "runbooks/parent.yaml")
        let sub = TestRunbook.make("backup-etcd", params: [TestRunbook.param("host"), TestRunbook.param("dir", default: .string("/backup"))],
                                   steps: [TestRunbook.run("save", "etcdctl snapshot save ${{ params.dir }}/${{ params.host }}.db", line: 3),
                                           TestRunbook.run("check", "ls ${{ params.dir }}", line: 4)],
                                   file: "runbooks/backup-etcd.yaml")
        let plan = try Planner().plan(runbook: parent, params: ResolvedParams(values: ["master": .string("m 1")], secretNames: []),
                                      subRunbooks: ["runbooks/backup-etcd.yaml": sub])
        #expect(plan.steps.map(\.id) == ["first", "backup", "backup/save", "backup/check", "last"])
        #expect(plan.levels == [["first"], ["backup", "backup/save", "backup/check"], ["last"]])
        #expect(plan.steps[2].invocations.first?.command == "etcdctl snapshot save /backup/'m 1'.db")
        #expect(plan.steps[2].parent == "backup")
        #expect(plan.steps[3].dependsOn == ["backup/save"])
        #expect(plan.steps[1].invocations.first?.detail == "run runbook 'backup-etcd' with host=m 1")
    }

    @Test func forEachOverAGroupAndWhenDecidedAtRunTime() throws {
        let inventory = Inventory(hosts: [InventoryHost(name: "m1"), InventoryHost(name: "m2")], groups: ["masters": ["m1", "m2"]])
        let each = ForEach(items: .expression(TestTemplate.parse("${{ hosts.masters }}")), location: TestTemplate.at(3, 5))
        let rb = TestRunbook.make(steps: [
            TestRunbook.run("find", "etcdctl member list", line: 1, capture: ["id"]),
            TestRunbook.run("restart", "master-restart ${{ item }}", line: 3,
                            when: TestTemplate.parse("${{ steps.find.outputs.id }}"), forEach: each),
        ])
        let plan = try Planner().plan(runbook: rb, params: ResolvedParams(values: [:], secretNames: []), inventory: inventory)
        #expect(plan.steps[1].forEach == ["m1", "m2"])
        #expect(plan.steps[1].invocations.map(\.command) == ["master-restart m1", "master-restart m2"])
        #expect(plan.steps[1].when == PlannedCondition(expression: "${{ steps.find.outputs.id }}", value: nil))
        #expect(PlanTextRenderer().render(plan).contains("when: ${{ steps.find.outputs.id }} → decided at run time"))
    }
}
