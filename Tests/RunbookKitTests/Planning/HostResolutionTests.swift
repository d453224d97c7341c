import Testing
import RunbookYAML
import RunbookCore
import TestSupport

@Suite struct HostResolutionTests {
    let inventory = Inventory(hosts: [InventoryHost(name: "m1"), InventoryHost(name: "m2")], groups: ["masters": ["m1", "m2"]])
    let params = ResolvedParams(values: ["which": .string("m2")], secretNames: [])

    func hosts(_ on: String, inventory: Inventory? = nil) throws(DiagnosticError) -> [String] {
        let rb = TestRunbook.make(params: [TestRunbook.param("which")],
                                  steps: [TestRunbook.run("s", "true", line: 3, on: on)])
        return try Planner().plan(runbook: rb, params: params, inventory: inventory ?? self.inventory).steps[0].hosts
    }

    func failure(_ on: String, inventory: Inventory? = nil) -> Diagnostic? {
        do { _ = try hosts(on, inventory: inventory); return nil } catch { return error.diagnostics.first }
    }

    @Test func hostGroupIndexAndTemplate() throws {
        #expect(try hosts("m1") == ["m1"])
        #expect(try hosts("masters") == ["m1", "m2"])
        #expect(try hosts("masters[1]") == ["m2"])
        #expect(try hosts("${{ params.which }}") == ["m2"])
    }

    @Test func errorsArePositionedAtOn() {
        #expect(failure("masters[2]")?.description == "test.yaml:3:5: error: 'masters[2]': group 'masters' has 2 hosts, so index 2 is out of range")
        #expect(failure("m3")?.hint == "did you mean 'm1'?")
        let none = failure("masters", inventory: .empty)
        #expect(none?.description == "test.yaml:3:5: error: 'on: masters' is not a host or group of the inventory")
        #expect(none?.hint == "pass an inventory with --inventory FILE")
    }

    @Test func secretEditsShowNoDiff() throws {
        let step = Step(id: "e", action: .file(.edit(path: TestTemplate.parse("/etc/x"), edits: [
            .setKey(key: TestTemplate.parse("TOKEN"), value: TestTemplate.parse("${{ params.token }}")),
        ])), location: TestTemplate.at(2))
        let rb = TestRunbook.make(params: [TestRunbook.param("token", secret: true)], steps: [step])
        let plan = try Planner().plan(runbook: rb, params: ResolvedParams(values: ["token": .string("abc")], secretNames: ["token"]),
                                      fileReader: { _, _ in "TOKEN=old\n" })
        #expect(plan.steps[0].invocations[0].detail == "edit /etc/x: set TOKEN=***")
        #expect(plan.steps[0].invocations[0].diff == nil)
    }

    @Test func iniHostPortShortForm() throws {
        let inv = try InventoryLoader.parse("[masters]\nm1.example.com:2222 ansible_user=ops\n", file: "hosts")
        #expect(inv.host("m1.example.com")?.port == 2222)
        #expect(inv.host("m1.example.com")?.user == "ops")
    }
}
