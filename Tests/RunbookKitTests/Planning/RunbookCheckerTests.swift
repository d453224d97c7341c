import Testing
import RunbookCore
import TestSupport

@Suite struct RunbookCheckerTests {
    @Test func reportsEveryReferenceProblemInOnePass() {
        let length = TestTemplate.build([.text("echo "), .expr(.call("length", [.literal(.bool(true))]))], at: TestTemplate.at(6, 9))
        let rb = TestRunbook.make(params: [TestRunbook.param("node")], steps: [
            TestRunbook.run("find", "echo ${{ params.nod }}", line: 1, capture: ["member_id"]),
            TestRunbook.run("use-later", "echo ${{ steps.later.outputs.x }}", line: 2),
            TestRunbook.run("wrong-capture", "echo ${{ steps.find.outputs.member }}", line: 3),
            TestRunbook.run("item", "echo ${{ item }}", line: 4),
            TestRunbook.run("group", "echo ${{ hosts.master }}", line: 5),
            Step(id: "typed", action: .run(length), location: TestTemplate.at(6, 3)),
            TestRunbook.run("later", "echo ok", line: 7, capture: ["x"]),
            TestRunbook.run("good", "echo ${{ steps.find.outputs.member_id }} ${{ params.node }}", line: 8),
        ])
        let inventory = Inventory(hosts: [InventoryHost(name: "m1")], groups: ["masters": ["m1"]])
        let ds = RunbookChecker(inventory: inventory).check(rb)
        #expect(ds.map(\.description) == [
            "test.yaml:1:15: error: unknown param 'nod'",
            "test.yaml:2:15: error: step 'use-later' uses 'steps.later.outputs.x', but 'later' does not run before it",
            "test.yaml:3:15: error: step 'find' has no capture 'member'",
            "test.yaml:4:15: error: 'item' is only available in a step with for_each",
            "test.yaml:5:15: error: unknown inventory group 'master'",
            "test.yaml:6:9: error: length needs a string, list or map, found bool",
        ])
        #expect(ds.map(\.hint) == ["did you mean 'node'?", "add 'later' to the 'needs' of 'use-later'", "did you mean 'member_id'?",
                                   nil, "did you mean 'masters'?", nil])
    }

    @Test func itemIsFineInForEach() {
        let fe = ForEach(items: .list([TestTemplate.parse("a")]), location: TestTemplate.at(1, 5))
        let rb = TestRunbook.make(steps: [TestRunbook.run("each", "echo ${{ item }}", line: 1, forEach: fe)])
        #expect(RunbookChecker().check(rb).isEmpty)
    }
}
