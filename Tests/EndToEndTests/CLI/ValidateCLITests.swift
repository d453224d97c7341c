import Foundation
import Testing

/// `runbook validate` through the binary: every shipped runbook is valid, the invalid fixtures give
/// their exact diagnostics, and the graph checks (cycles, unknown `needs`) are part of validate.
@Suite struct ValidateCLITests {
    /// runbooks/*.yaml and examples/**/*.yaml that are runbooks (inventories are not), relative to the root.
    static func shippedRunbooks() throws -> [String] {
        var files: [String] = []
        for directory in ["runbooks", "examples"] {
            let base = CLI.root.appendingPathComponent(directory)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".yaml") && !path.hasSuffix(".test.yaml") {
                let text = try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
                if text.contains("\nrunbook:") || text.hasPrefix("runbook:") { files.append("\(directory)/\(path)") }
            }
        }
        return files.sorted()
    }

    @Test func everyShippedRunbookValidates() throws {
        let files = try Self.shippedRunbooks()
        #expect(files.contains("runbooks/drain-node.yaml"))
        #expect(files.contains("examples/custom/tidy-logs.yaml"))
        #expect(files.count >= 10)
        let result = try CLI.run(["validate"] + files)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == files.count)
        for (line, file) in zip(lines, files) {
            #expect(line.hasPrefix("ok: \(file) ("), "\(line)")
        }
        #expect(lines.contains("ok: runbooks/drain-node.yaml (8 steps)"))
    }

    static let invalidFixtures = ["01-unknown-top-level-key", "09-bad-regex", "14-unknown-param-reference",
                                  "17-yes-no-booleans", "31-tabs", "34-empty-file", "70-expressions-in-unsafe-shell-places"]

    @Test(arguments: invalidFixtures)
    func invalidFixturePrintsItsExactDiagnostics(_ name: String) throws {
        let directory = CLI.root.appendingPathComponent("Tests/Fixtures/invalid")
        let expected = try String(contentsOf: directory.appendingPathComponent("\(name).expected"), encoding: .utf8)
        let result = try CLI.run(["validate", "\(name).yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == expected)
    }

    static let cycle = """
        runbook: cyc
        steps:
          - id: a
            run: "true"
            needs: c
          - id: b
            run: "true"
            needs: [a]
          - id: c
            run: "true"
            needs: [b, nope]

        """

    @Test func cycleAndUnknownNeedsAreReportedTogether() throws {
        let dir = try Scratch()
        try dir.write("cycle.yaml", Self.cycle)
        let result = try CLI.run(["validate", "cycle.yaml"], in: dir.url)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            cycle.yaml:3:5: error: steps depend on each other in a cycle: a -> b -> c -> a
              hint: remove one of these dependencies from 'needs'
            cycle.yaml:8:13: note: 'b' needs 'a'
            cycle.yaml:11:13: note: 'c' needs 'b'
            cycle.yaml:5:12: note: 'a' needs 'c'
            cycle.yaml:11:16: error: step 'c' needs unknown step 'nope'
            2 errors

            """)
    }

    @Test func jsonOutputListsEachDiagnosticWithItsNotes() throws {
        let dir = try Scratch()
        try dir.write("cycle.yaml", Self.cycle)
        try dir.write("ok.yaml", "runbook: ok\nsteps:\n  - id: a\n    run: \"true\"\n")
        let result = try CLI.run(["validate", "--output", "json", "ok.yaml", "cycle.yaml"], in: dir.url)
        #expect(result.status == 2)
        #expect(result.stderr == "")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 2)
        #expect(Set(items[0].keys) == ["file", "line", "column", "severity", "message", "hint", "notes"])
        #expect(items[0]["file"] as? String == "cycle.yaml")
        #expect(items[0]["line"] as? Int == 3)
        #expect(items[0]["column"] as? Int == 5)
        #expect(items[0]["severity"] as? String == "error")
        #expect(items[0]["message"] as? String == "steps depend on each other in a cycle: a -> b -> c -> a")
        let notes = try #require(items[0]["notes"] as? [[String: Any]])
        #expect(notes.map { $0["message"] as? String } == ["'b' needs 'a'", "'c' needs 'b'", "'a' needs 'c'"])
        #expect(notes.map { $0["line"] as? Int } == [8, 11, 5])
        #expect(items[1]["message"] as? String == "step 'c' needs unknown step 'nope'")
        #expect(items[1]["hint"] is NSNull)
    }
}
