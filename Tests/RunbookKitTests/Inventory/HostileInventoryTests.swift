import RunbookCore
import Testing

/// Inventories meant to hurt: each is refused with one short positioned message, or read in
/// linear time (the large ones are generated here; their timings are in bench/hostile.sh).
@Suite struct HostileInventoryTests {
    func diagnostics(_ text: String, file: String = "hosts.ini") -> [String] {
        do {
            _ = try InventoryLoader.parse(text, file: file)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func hugeRangeIsRefusedPastTheLimit() {
        // Ansible builds all 100,000,000 names (2.1 GB); we stop at 100,000.
        #expect(diagnostics("[g]\nn[0:99999999]\n") == [
            "hosts.ini:2:1: error: host range 'n[0:99999999]' stands for more than 100000 hosts; refusing",
        ])
        #expect(diagnostics("[g]\nn[0:999]-[0:999]\n") == [
            "hosts.ini:2:1: error: host range 'n[0:999]-[0:999]' stands for more than 100000 hosts; refusing",
        ])
    }

    @Test func rangeAtTheLimitIsRead() throws {
        let inventory = try InventoryLoader.parse("[g]\nn[1:100000]\n", file: "hosts.ini")
        #expect(inventory.groups["g"]?.count == 100_000)
        #expect(inventory.groups["g"]?.last == "n100000")
    }

    /// 40 layers of two groups, each the child of both groups above: 2^40 paths from the top.
    @Test func diamondOfFortyLayersTerminates() throws {
        var text = "[l40a]\nleaf1\n[l40b]\nleaf2\n"
        for layer in 0..<40 {
            for side in ["a", "b"] { text += "[l\(layer)\(side):children]\nl\(layer + 1)a\nl\(layer + 1)b\n" }
        }
        let inventory = try InventoryLoader.parse(text, file: "hosts.ini")
        #expect(inventory.groups["l0a"] == ["leaf1", "leaf2"])
        #expect(inventory.groups["all"] == ["leaf1", "leaf2"])
    }

    @Test func twentyThousandHostsAreRead() throws {
        var text = "[g]\n"
        for i in 0..<20_000 { text += "host\(i).example.com ansible_port=\(2000 + i % 1000) idx=\(i)\n" }
        text += "[h:children]\ng\n[g:vars]\nzone=a\n"
        let inventory = try InventoryLoader.parse(text, file: "hosts.ini")
        #expect(inventory.hosts.count == 20_000)
        #expect(inventory.groups["h"]?.count == 20_000)
        #expect(inventory.host("host19999.example.com")?.vars["idx"] == .int(19_999))
        #expect(inventory.host("host19999.example.com")?.vars["zone"] == .string("a"))
    }

    @Test func twentyThousandUngroupedHostsLeaveUngroupedOnce() throws {
        var text = ""
        for i in 0..<20_000 { text += "h\(i)\n" }
        text += "[g]\n"
        for i in stride(from: 0, to: 20_000, by: 2) { text += "h\(i)\n" }
        let inventory = try InventoryLoader.parse(text, file: "hosts.ini")
        #expect(inventory.tree["ungrouped"]?.hosts.count == 10_000)
        #expect(inventory.tree["ungrouped"]?.hosts.first == "h1")
    }

    @Test func unterminatedQuoteIsPositionedAtTheQuote() {
        #expect(diagnostics("[g]\nh1 motd='it is\n") == ["hosts.ini:2:9: error: unterminated single quote in host line"])
    }

    @Test func trailingBackslashIsPositioned() {
        #expect(diagnostics("[g]\nh1 a=b\\\n") == ["hosts.ini:2:7: error: a backslash at the end of a host line escapes nothing"])
    }

    @Test func deepPythonLiteralStaysText() throws {
        let value = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let inventory = try InventoryLoader.parse("[g]\nh1\n[g:vars]\nx=\(value)\n", file: "hosts.ini")
        #expect(inventory.host("h1")?.vars["x"] == .string(value))
    }

    @Test func yamlLookingFileWithIniExtensionGetsAHint() {
        #expect(diagnostics("---\nall:\n") == [
            "hosts.ini:1:1: error: host '---' looks like a YAML document start; is this a YAML inventory?",
            "hosts.ini:2:1: error: host 'all:' ends in ':'; a ':' after a host name must be followed by a port",
        ])
    }

    @Test func everyProblemIsReportedInOnePass() {
        #expect(diagnostics("[g]\nh1 novalue\n[g:kids]\nx\n[p:children]\nnosuch\nh2 a='b\n") == [
            "hosts.ini:2:4: error: expected key=value after the host name, found 'novalue'",
            "hosts.ini:3:1: error: unknown section kind ':kids'",
            "hosts.ini:6:1: error: group 'p' lists unknown child group 'nosuch'",
            "hosts.ini:7:1: error: expected a group name in [p:children], found 'h2 a='b'",
        ])
    }
}
