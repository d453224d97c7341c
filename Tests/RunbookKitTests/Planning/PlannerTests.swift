import Foundation
import Testing
import RunbookCore
import TestSupport

@Suite struct PlannerTests {
    let inventory = Inventory(hosts: [InventoryHost(name: "m1"), InventoryHost(name: "m2"), InventoryHost(name: "lb")],
                              groups: ["masters": ["m1", "m2"], "lbs": ["lb"], "all": ["m1", "m2", "lb"]], file: "hosts")
    let params = ResolvedParams(values: ["node": .string("m2; reboot"), "token": .string("s3cret"), "force": .bool(false)],
                                secretNames: ["token"])

    var runbook: Runbook {
        let edit = Step(id: "haproxy", action: .file(.edit(path: TestTemplate.parse("/etc/haproxy/haproxy.cfg"), edits: [
            .deleteLines(matching: TestTemplate.parse("server\\s+${{ params.node }}\\s")),
            .ensureLine(TestTemplate.parse("# managed"), after: nil),
        ])), on: TestTemplate.parse("lbs"), needs: [StepReference("exists", at: TestTemplate.at(9, 1))], location: TestTemplate.at(9, 3))
        let each = ForEach(items: .list([TestTemplate.parse("a b"), TestTemplate.parse("c")]), location: TestTemplate.at(11, 5))
        return TestRunbook.make("drain-node", params: [
            TestRunbook.param("node"), TestRunbook.param("token", secret: true), TestRunbook.param("force", .bool),
        ], steps: [
            Step(id: "exists", action: .check(Condition(command: TestTemplate.parse("oc get node ${{ params.node }}"),
                                                        location: TestTemplate.at(5, 5))),
                 on: TestTemplate.parse("masters[0]"), location: TestTemplate.at(5, 3)),
            TestRunbook.run("drain", "oc adm drain ${{ params.node }} --token ${{ params.token }}", line: 7, on: "masters",
                            capture: ["pods"], rollback: ["oc adm uncordon ${{ params.node }}"],
                            when: TestTemplate.parse("${{ params.force }}")),
            edit,
            TestRunbook.run("each", "echo ${{ item }} ${{ steps.drain.outputs.pods }}", line: 11, needs: ["drain"], forEach: each),
        ])
    }

    func plan() throws -> Plan {
        try Planner().plan(runbook: runbook, params: params, inventory: inventory, fileReader: { host, path in
            host.name == "lb" && path == "/etc/haproxy/haproxy.cfg" ? "backend b\n  server m1 10.0.0.1:443\n  server m2; reboot 10.0.0.2:443\n" : nil
        })
    }

    @Test func rendersExactCommandsPerHostWithSecretsRedacted() throws {
        let p = try plan()
        #expect(p.levels == [["exists"], ["drain", "haproxy"], ["each"]])
        let exists = try #require(p.steps.first { $0.id == "exists" })
        #expect(exists.hosts == ["m1"])
        #expect(exists.changesState == false)
        #expect(exists.invocations.map(\.command) == ["oc get node 'm2; reboot'"])
        let drain = try #require(p.steps.first { $0.id == "drain" })
        #expect(drain.invocations.map(\.command) == ["oc adm drain 'm2; reboot' --token ***", "oc adm drain 'm2; reboot' --token ***"])
        #expect(drain.rollback.map(\.command) == ["oc adm uncordon 'm2; reboot'", "oc adm uncordon 'm2; reboot'"])
        #expect(drain.when == PlannedCondition(expression: "${{ params.force }}", value: false))
        let each = try #require(p.steps.first { $0.id == "each" })
        #expect(each.forEach == ["a b", "c"])
        #expect(each.invocations.map(\.command) == ["echo 'a b' <steps.drain.outputs.pods>", "echo c <steps.drain.outputs.pods>"])
        #expect(!PlanJSON.encode(p).contains("s3cret"))
        #expect(!PlanTextRenderer().render(p).contains("s3cret"))
    }

    @Test func fileEditsShowAUnifiedDiff() throws {
        let haproxy = try #require(try plan().steps.first { $0.id == "haproxy" })
        #expect(haproxy.invocations.first?.detail
                == "edit /etc/haproxy/haproxy.cfg: delete lines matching /server\\s+m2; reboot\\s/; ensure line '# managed'")
        #expect(haproxy.invocations.first?.diff == """
            --- a/etc/haproxy/haproxy.cfg
            +++ b/etc/haproxy/haproxy.cfg
            @@ -1,3 +1,3 @@
             backend b
               server m1 10.0.0.1:443
            -  server m2; reboot 10.0.0.2:443
            +# managed

            """)
    }

    @Test func textRenderingShowsGroupsAndMarkers() throws {
        let text = PlanTextRenderer().render(try plan())
        #expect(text.contains("== group 2 (these run in parallel) =="))
        #expect(text.contains("[read-only] exists (check)\n    on: m1\n    [m1] $ oc get node 'm2; reboot'\n"))
        #expect(text.contains("[changes]   drain (run)\n"))
        #expect(text.contains("    when: ${{ params.force }} → false (the step will be skipped)\n"))
        #expect(text.contains("    rollback:\n      [m1] $ oc adm uncordon 'm2; reboot'\n"))
    }

    @Test func jsonRoundTrips() throws {
        let p = try plan()
        #expect(try PlanJSON.decode(PlanJSON.encode(p)) == p)
    }

    @Test func unknownHostIsPositioned() {
        var rb = runbook
        rb.steps[0].on = TestTemplate.parse("mastres[0]", at: TestTemplate.at(4, 9))
        do {
            _ = try Planner().plan(runbook: rb, params: params, inventory: inventory)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["test.yaml:4:9: error: 'on: mastres[0]' is not a host or group of the inventory"])
            #expect(error.diagnostics.first?.hint == "did you mean 'masters'?")
        }
    }
}
