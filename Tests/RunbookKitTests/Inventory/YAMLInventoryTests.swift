import Testing
import RunbookCore

@Suite struct YAMLInventoryTests {
    @Test func readsHostsAndNestedGroups() throws {
        let yaml = """
            hosts:
              m1: { address: 10.0.0.1, user: root, port: 22, become: true, vars: { zone: a, weight: 3 } }
              m2: { transport: sim }
              lb: {}
            groups:
              masters: [m1, m2]
              cluster: { hosts: [lb], children: [masters] }
            """
        let inv = try InventoryLoader.parse(yaml, file: "inv.yaml")
        #expect(inv.hosts.map(\.name) == ["m1", "m2", "lb"])
        #expect(inv.groups["cluster"] == ["lb", "m1", "m2"])
        #expect(inv.groups["all"] == ["m1", "m2", "lb"])
        #expect(inv.host("m1")?.vars == ["zone": .string("a"), "weight": .int(3)])
        #expect(inv.host("m1")?.become == true)
        #expect(inv.host("m2")?.transport == .sim)
    }

    @Test func unknownKeysAndHostsAreReportedTogether() {
        let yaml = """
            hosts:
              m1: { adress: 10.0.0.1, become: yes }
            groups:
              masters: [m1, m9]
            """
        do {
            _ = try InventoryLoader.parse(yaml, file: "inv.yaml")
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "inv.yaml:2:9: error: unknown key 'adress'",
                "inv.yaml:2:35: error: 'become' must be true or false",
                "inv.yaml:4:17: error: group 'masters' lists unknown host 'm9'",
            ])
            #expect(error.diagnostics.map(\.hint) == ["did you mean 'address'?", "write true or false", "did you mean 'm1'?"])
        }
    }
}
