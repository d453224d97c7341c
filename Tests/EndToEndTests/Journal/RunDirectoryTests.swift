import Foundation
import Testing
import TestSupport

/// What a run leaves on disk: no secret anywhere, private modes, the shared audit log.
@Suite("run directory (binary)")
struct RunDirectoryTests {
    static let secret = "S3cr3t-V4lue"

    /// Every file under `path` (relative names), with its contents.
    func files(under path: String) -> [(name: String, text: String)] {
        let names = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return names.sorted().compactMap { name in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(path)/\(name)", isDirectory: &isDirectory), !isDirectory.boolValue
            else { return nil }
            let data = FileManager.default.contents(atPath: "\(path)/\(name)") ?? Data()
            return (name, String(decoding: data, as: UTF8.self))
        }
    }

    @Test("a secret param echoed to stdout and stderr and used in a failing command appears in no file and no output; resume asks again")
    func secrets() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", """
            runbook: secretive
            params:
              token: { type: string, secret: true }
            steps:
              - id: echo
                run: "echo token=${{ params.token }}; echo err-${{ params.token }} >&2"
              - id: login
                run: "test -e \(s.path("ok")) || { echo bad ${{ params.token }} >&2; exit 3; }"
                on_failure: stop
            """)
        let first = try await s.runbook(["run", file, "--param", "token=\(Self.secret)"])
        #expect(first.status == 1, "\(first.output)")
        #expect(!first.output.contains(Self.secret), "\(first.output)")
        #expect(first.output.contains("***"), "\(first.output)")
        let run = try #require(s.runs().first)
        let directory = "\(s.state)/runs/\(run)"
        let written = files(under: directory)
        for expected in ["journal.jsonl", "params.json", "inventory.json", "invocation.json"] {
            #expect(written.contains { $0.name == expected }, "\(expected) missing: \(written.map(\.name))")
        }
        #expect(written.contains { $0.name.hasPrefix("output/echo.1.run.stdout") && $0.text == "token=***\n" })
        #expect(written.contains { $0.name.hasPrefix("output/echo.1.run.stderr") && $0.text == "err-***\n" })
        for (name, text) in written { #expect(!text.contains(Self.secret), "secret in \(name)") }

        // Without the variable and without a terminal (a new session has none to ask on).
        let asked = try await CLI.start(["resume", run, "--state-dir", s.state], launch: .withoutTerminal).wait()
        #expect(asked.status == 2)
        #expect(asked.stderr == """
            error: secret param 'token' has no value
              hint: set RUNBOOK_SECRET_TOKEN or run from a terminal to be asked
            1 error

            """)

        s.touch("ok")
        let resumed = try await s.runbook(["resume", run, "--output", "json"], environment: ["RUNBOOK_SECRET_TOKEN": Self.secret])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(!resumed.output.contains(Self.secret))
        for (name, text) in files(under: directory) { #expect(!text.contains(Self.secret), "secret in \(name) after resume") }
        let audit = try await s.runbook(["audit", run])
        #expect(!audit.output.contains(Self.secret))
        #expect(audit.stdout.contains("login"))
    }

    @Test("the run directory is 0700 and every file in it 0600 (outputs and snapshots too)")
    func modes() async throws {
        let s = try Scenario()
        defer { s.remove() }
        try "a=1\n".write(toFile: s.path("config"), atomically: true, encoding: .utf8)
        let file = try s.write("rb.yaml", """
            runbook: modes
            steps:
              - id: say
                run: "echo out; echo err >&2"
              - id: edit
                edit:
                  path: \(s.path("config"))
                  changes:
                    - ensure_line: 'b=2'
            """)
        let outcome = try await s.runbook(["run", file])
        #expect(outcome.status == 0, "\(outcome.output)")
        let run = try #require(s.runs().first)
        let root = "\(s.state)/runs/\(run)"
        var entries = ["."] + (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
        entries.sort()
        #expect(entries.contains { $0.hasPrefix("output/say.1.run.stdout") })
        #expect(entries.contains { $0.hasPrefix("snapshots/") && $0 != "snapshots" }, "\(entries)")
        for entry in entries {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(root)/\(entry)")
            let mode = (attributes[.posixPermissions] as? Int ?? -1) & 0o777
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isDirectory ? 0o700 : 0o600), "\(entry) has mode \(String(mode, radix: 8))")
        }
    }

    @Test("--audit-log: two runs append to one file; every journal line of each is in it")
    func auditLog() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let log = s.path("audit.log")
        for name in ["one", "two"] {
            let file = try s.write("\(name).yaml", "runbook: \(name)\nsteps:\n  - id: a\n    run: \"echo \(name)\"\n")
            #expect(try await s.runbook(["run", file, "--audit-log", log]).status == 0)
        }
        let shared = Set(s.lines("audit.log"))
        let runs = s.runs()
        #expect(runs.count == 2)
        var total = 0
        for run in runs {
            let journal = s.lines("state/runs/\(run)/journal.jsonl")
            #expect(journal.count >= 4)
            total += journal.count
            for line in journal { #expect(shared.contains(line), "\(run): line missing from the audit log: \(line)") }
        }
        #expect(s.lines("audit.log").count == total)
    }
}
