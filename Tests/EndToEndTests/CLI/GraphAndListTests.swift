import Foundation
import Testing

/// `runbook graph` and `runbook list` on Tests/Fixtures/cli, compared exactly.
@Suite struct GraphAndListTests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/Fixtures/cli")

    @Test func mermaid() throws {
        let result = try CLI.run(["graph", "small.yaml"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            flowchart TD
                s_config_ok("config-ok: check — The configuration parses")
                s_restart_api["restart-api: run — Restart the API"]
                s_restart_controllers["restart-controllers: run — Restart the controllers"]
                s_healthy("healthy: wait")
                s_config_ok --> s_restart_api
                s_config_ok --> s_restart_controllers
                s_restart_api --> s_healthy
                s_restart_controllers --> s_healthy

            """)
    }

    @Test func dot() throws {
        let result = try CLI.run(["graph", "small.yaml", "--format", "dot"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == #"""
            digraph "small" {
                rankdir=TB;
                "config-ok" [label="config-ok: check\nThe configuration parses", shape=ellipse];
                "restart-api" [label="restart-api: run\nRestart the API", shape=box];
                "restart-controllers" [label="restart-controllers: run\nRestart the controllers", shape=box];
                "healthy" [label="healthy: wait", shape=ellipse];
                "config-ok" -> "restart-api";
                "config-ok" -> "restart-controllers";
                "restart-api" -> "healthy";
                "restart-controllers" -> "healthy";
            }

            """#)
    }

    @Test func graphOfAnInvalidRunbookExitsTwo() throws {
        let result = try CLI.run(["graph", "missing.yaml"], in: Self.fixtures)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == "error: cannot read 'missing.yaml': No such file or directory\n1 error\n")
    }

    @Test func listADirectory() throws {
        let result = try CLI.run(["list", "."], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            needs-params
                file: ./needs-params.yaml
                --param node  (string, required)
                --param replicas  (int, required)
                --param reason  (string, required)
            small — Restart two services after a config check
                file: ./small.yaml
                source: Day 2 Operations Guide 3.3
                --param host  (string, required) Where the services run.
                --param services  (list, default [api, controllers])

            """)
    }

    @Test func listRunbooksNamesEveryRunbook() throws {
        let result = try CLI.run(["list", "runbooks/"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let names = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.split(separator: " ")[0]) }
        // Every runbook file of the folder (runbook name = file name), sorted; the list grows with the guide.
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.root.appendingPathComponent("runbooks").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        #expect(files.count >= 8)
        #expect(names == files)
        #expect(result.stdout.contains("""
            drain-node — Drain a node before maintenance
                file: runbooks/drain-node.yaml
                source: Day 2 Operations Guide 7.1.1, 5.3.1
                --param node  (string, required) The node to drain (its name in `oc get nodes`).
            """))
    }

    @Test("list --sections: each section a runbook or step names, in the guide's order, with the runbooks")
    func listSections() throws {
        let result = try CLI.run(["list", "--sections", "."], in: Self.fixtures)
        #expect(result.status == 0 && result.stderr == "")
        #expect(result.stdout == "§ 3.3  small\n")
    }

    /// Issue 16's "done when": every row of docs/runbooks.md's guide coverage table that names a
    /// runbook is one that `list --sections` shows for that section (or a subsection of it), and
    /// every section the runbooks name is in the table (itself or a parent section).
    @Test("the guide coverage table in docs/runbooks.md and list --sections agree")
    func coverageTableMatchesSources() throws {
        let result = try CLI.run(["list", "--sections", "runbooks/"])
        #expect(result.status == 0)
        var listed: [String: Set<String>] = [:]
        for line in result.stdout.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count == 3 else { continue }
            listed[String(words[1])] = Set(words[2].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        let doc = try String(contentsOf: CLI.root.appendingPathComponent("docs/runbooks.md"), encoding: .utf8)
        let table = doc.components(separatedBy: "## Guide coverage").last ?? ""
        // A row: its sections (`4.1, 4.2`, `5.4.4 vertical scaling`) and its runbook cell.
        var rows: [(sections: [String], cell: String)] = []
        let number = try NSRegularExpression(pattern: "^[0-9]+(\\.[0-9]+)*$")
        for line in table.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let sections = cells.first.map { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }?
                .filter { number.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil } ?? []
            guard cells.count >= 2, !sections.isEmpty else { continue }
            rows.append((sections, cells[1]))
        }
        #expect(rows.count > 40)
        func covers(_ section: String, _ runbook: String) -> Bool {
            listed.contains { ($0.key == section || $0.key.hasPrefix(section + ".")) && $0.value.contains(runbook) }
        }
        for row in rows where !row.cell.hasPrefix("out of scope") {
            let runbook = String(row.cell.prefix { $0.isLetter || $0.isNumber || $0 == "-" })
            #expect(row.sections.contains { covers($0, runbook) }, "§ \(row.sections): the table names \(runbook), whose sources do not")
        }
        let tabled = Set(rows.flatMap(\.sections))
        for section in listed.keys {
            let parts = section.split(separator: ".")
            let ancestors = (1...parts.count).map { parts.prefix($0).joined(separator: ".") }
            #expect(ancestors.contains(where: tabled.contains), "§ \(section) is named by \(listed[section] ?? []) but not in the coverage table")
        }
    }
}

