import Foundation
import Testing

/// `runbook plan` through the binary: params are checked all together, values cannot add shell words,
/// JSON parses, and a plan changes nothing on disk.
@Suite struct PlanCLITests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/Fixtures/cli")

    @Test func aNULByteInAParamIsRefusedWithExit2AndItsName() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nul-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"reason: "a\0b""#.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["plan", Self.fixtures.appendingPathComponent("needs-params.yaml").path, "--param", "node=n1",
                                  "--param", "replicas=2", "--params-file", directory.appendingPathComponent("p.yaml").path])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            error: param 'reason' contains a NUL byte, which no command can take
              hint: remove the NUL byte (\\0) from the value
            1 error

            """)
    }

    @Test func controlCharactersInValuesAreShownEscapedInThePlan() throws {
        let result = try CLI.run(["plan", "needs-params.yaml", "--param", "node=n1", "--param", "replicas=2",
                                  "--param", "reason=\u{1b}]52;c;eA==\u{07}\rok"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout.contains("$ echo n1 '\\x1b]52;c;eA==\\x07\\rok' >> /var/log/maintenance.log\n"), "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1b}"))
    }

    @Test func missingAndInvalidParamsAreReportedAllTogether() throws {
        let none = try CLI.run(["plan", "needs-params.yaml"], in: Self.fixtures)
        #expect(none.status == 2)
        #expect(none.stdout == "")
        #expect(none.stderr == """
            error: missing required param 'node'
              hint: pass --param node=VALUE
            needs-params.yaml:3:3: note: declared here
            error: missing required param 'reason'
              hint: pass --param reason=VALUE
            needs-params.yaml:5:3: note: declared here
            error: missing required param 'replicas'
              hint: pass --param replicas=VALUE
            needs-params.yaml:4:3: note: declared here
            3 errors

            """)
        // A value that was given but is invalid is reported as invalid, not also as missing.
        let bad = try CLI.run(["plan", "needs-params.yaml", "--param", "node=Bad_Node", "--param", "replicas=two",
                               "--param", "colour=red"], in: Self.fixtures)
        #expect(bad.status == 2)
        #expect(bad.stdout == "")
        #expect(bad.stderr == """
            error: missing required param 'reason'
              hint: pass --param reason=VALUE
            needs-params.yaml:5:3: note: declared here
            error: param 'node': 'Bad_Node' does not match the pattern '^[a-z0-9.-]+$'
            needs-params.yaml:3:3: note: declared here
            error: param 'replicas' must be an int, found 'two'
            error: unknown param 'colour' for runbook 'needs-params'
              hint: its params: node, replicas, reason
            4 errors

            """)
    }

    @Test func hostileParamValuesStayOneQuotedWord() throws {
        let result = try CLI.run(["plan", "needs-params.yaml", "--param", "node=n1", "--param", "replicas=2",
                                  "--param", "reason=x; touch /tmp/pwned $(reboot)"], in: Self.fixtures)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        #expect(result.stdout.contains("    $ echo n1 'x; touch /tmp/pwned $(reboot)' >> /var/log/maintenance.log\n"))
        // The same through JSON: the exact command a run would execute.
        let json = try CLI.run(["plan", "needs-params.yaml", "--param", "node=n1", "--param", "replicas=2",
                                "--param", "reason=$(reboot)'; touch /tmp/pwned; '", "--output", "json"], in: Self.fixtures)
        #expect(json.status == 0, "\(json)")
        let commands = try Self.commands(json.stdout)
        #expect(commands["note"] == #"echo n1 '$(reboot)'\''; touch /tmp/pwned; '\''' >> /var/log/maintenance.log"#)
        // And the shell agrees: the value comes back as one argument, unchanged.
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        let word = try #require(commands["note"]?.dropFirst("echo n1 ".count).split(separator: " >>").first)
        sh.arguments = ["-c", "printf '%s|' \(word)"]
        let out = Pipe()
        sh.standardOutput = out
        try sh.run()
        sh.waitUntilExit()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "$(reboot)'; touch /tmp/pwned; '|")
    }

    @Test func jsonOutputParsesAndHasThePlanShape() throws {
        let result = try CLI.run(["plan", "runbooks/drain-node.yaml", "--inventory", "examples/inventory.yaml",
                                  "--param", "node=node-1.example.com", "--output", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(plan["runbook"] as? String == "drain-node")
        #expect(plan["file"] as? String == "runbooks/drain-node.yaml")
        #expect(plan["inventory"] as? String == "examples/inventory.yaml")
        #expect(plan["lock"] as? String == "cluster")
        let steps = try #require(plan["steps"] as? [[String: Any]])
        #expect(steps.map { $0["id"] as? String } == ["node-exists", "capacity", "was-cordoned", "cordon", "confirm-force", "drain", "list-pods",
                                                      "no-pods-left"])
        let cordon = steps[3]
        #expect(cordon["changesState"] as? Bool == true)
        #expect(cordon["hosts"] as? [String] == ["master-0.example.com"])
        let invocation = try #require((cordon["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["host"] as? String == "master-0.example.com")
        #expect(invocation["command"] as? String == "oc adm manage-node node-1.example.com --schedulable=false")
        // Only a node that was schedulable before the run is made schedulable again.
        #expect((cordon["rollback"] as? [[String: Any]])?.first?["command"] as? String
                == "test <steps.was-cordoned.outputs.unschedulable == 'true'> = true || oc adm manage-node node-1.example.com --schedulable=true")
        let when = try #require(steps[4]["when"] as? [String: Any])
        #expect(when["expression"] as? String == "${{ params.force }}")
        #expect(when["value"] as? Bool == false)
        #expect((plan["levels"] as? [[String]])?.count == 8)
    }

    /// Every path under `dir` with its type, mode, modification time and (for files) full content.
    static func snapshot(_ dir: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: dir.path) else { return out }
        for case let path as String in walker {
            let full = dir.appendingPathComponent(path).path
            let attributes = try fm.attributesOfItem(atPath: full)
            let type = attributes[.type] as? FileAttributeType
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let permissions = attributes[.posixPermissions] as? Int ?? 0
            var entry = "\(type?.rawValue ?? "?") mode \(permissions) mtime \(modified)"
            if type == .typeRegular { entry += " content " + (try Data(contentsOf: URL(fileURLWithPath: full))).base64EncodedString() }
            out[path] = entry
        }
        return out
    }

    @Test func planChangesNothingOnDisk() throws {
        let dir = try Scratch()
        try dir.write("work/app.conf", "LISTEN=8080\nDEBUG=true\n")
        try dir.write("work/old.txt", "moved by a run, not by a plan\n")
        let runbook = try dir.write("rb.yaml", """
            runbook: touches-things
            params:
              dir: { type: string, required: true }
            steps:
              - id: marker
                run: touch ${{ params.dir }}/MARKER
                rollback: rm -f ${{ params.dir }}/MARKER
              - id: edit
                edit:
                  path: ${{ params.dir }}/app.conf
                  changes:
                    - set: { key: DEBUG, value: "false" }
                    - ensure_line: "LOG=/var/log/app.log"
              - id: move
                move: { from: "${{ params.dir }}/old.txt", to: "${{ params.dir }}/new.txt" }
              - id: write
                write: { path: "${{ params.dir }}/written.txt", content: "hello\\n" }
              - id: archive
                archive: { paths: ["${{ params.dir }}/app.conf"], to: "${{ params.dir }}/backup.tgz" }

            """)
        let before = try Self.snapshot(dir.url)
        let result = try CLI.run(["plan", runbook, "--param", "dir=\(dir.path("work"))"])
        #expect(result.status == 0, "\(result)")
        #expect(try Self.snapshot(dir.url) == before)
        #expect(before.keys.sorted() == ["rb.yaml", "work", "work/app.conf", "work/old.txt"])
        // The plan did read the local file to show the edit as a diff.
        #expect(result.stdout.contains("-DEBUG=true\n"))
        #expect(result.stdout.contains("+DEBUG=false\n"))
        #expect(result.stdout.contains("+LOG=/var/log/app.log\n"))
    }

    /// Step id -> first invocation's command, from `plan --output json`.
    static func commands(_ json: String) throws -> [String: String] {
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var out: [String: String] = [:]
        for step in plan["steps"] as? [[String: Any]] ?? [] {
            if let id = step["id"] as? String, let command = (step["invocations"] as? [[String: Any]])?.first?["command"] as? String {
                out[id] = command
            }
        }
        return out
    }
}
