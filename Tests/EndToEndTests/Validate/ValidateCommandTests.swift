import Foundation
import Testing

/// `runbook validate` as a user runs it: the built binary, its streams and exit status.
@Suite struct ValidateCommandTests {
    static let root = CLI.root

    /// `runbook validate ARGUMENTS` run in Tests/Fixtures.
    func validate(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Outcome {
        try CLI.run(["validate"] + arguments, in: Self.root.appendingPathComponent("Tests/Fixtures"), environment: environment)
    }

    @Test func validFilesPrintOkAndExitZero() throws {
        let r = try validate(["valid/drain-node.yaml", "valid/file-actions.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout == "ok: valid/drain-node.yaml (9 steps)\nok: valid/file-actions.yaml (11 steps)\n")
        #expect(r.stderr == "")
    }

    @Test func invalidFilePrintsDiagnosticsWithoutColourAndExitsTwo() throws {
        let r = try validate(["valid/drain-node.yaml", "invalid/02-unknown-step-key.yaml"])
        #expect(r.status == 2)
        #expect(r.stdout == "ok: valid/drain-node.yaml (9 steps)\n")
        #expect(r.stderr == """
            invalid/02-unknown-step-key.yaml:5:5: error: unknown key 'rollbak' in step 'cordon' (did you mean 'rollback'?)
            1 error

            """)
    }

    @Test func jsonOutputIsAnArrayOnStdout() throws {
        let r = try validate(["--output", "json", "invalid/10-duplicate-step-id.yaml", "missing.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr == "")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 2)
        #expect(items[0]["file"] as? String == "invalid/10-duplicate-step-id.yaml")
        #expect(items[0]["line"] as? Int == 7)
        #expect(items[0]["column"] as? Int == 9)
        #expect(items[0]["severity"] as? String == "error")
        #expect(items[0]["message"] as? String == "duplicate step id 'cordon'")
        #expect(items[0]["hint"] as? String == "step ids must be unique in a runbook")
        let note = try #require((items[0]["notes"] as? [[String: Any]])?.first)
        #expect(note["line"] as? Int == 3)
        #expect(items[1]["file"] as? String == "missing.yaml")
        #expect(items[1]["line"] is NSNull)
    }

    @Test func validJsonOutputIsAnEmptyArray() throws {
        let r = try validate(["--output", "json", "valid/drain-node.yaml"])
        #expect(r.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [Any])
        #expect(items.isEmpty)
        #expect(r.stderr == "")
    }

    @Test func documentSizeBoundIsAFlag() throws {
        let r = try validate(["--max-document-size", "100", "valid/drain-node.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("valid/drain-node.yaml:1:1: error: the file is larger than the limit of 100 bytes; refusing to read it\n"))
    }

    /// On a terminal (a pty from util-linux `script`) diagnostics are coloured, unless NO_COLOR is set.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func colourOnlyOnATerminalWithoutNoColor() throws {
        func onTerminal(_ environment: [String: String]) throws -> String {
            try CLI.run(["validate", "invalid/02-unknown-step-key.yaml"], in: Self.root.appendingPathComponent("Tests/Fixtures"),
                        environment: environment, launch: .onTerminal).stdout
        }
        let coloured = try onTerminal(["NO_COLOR": ""])
        #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
        let plain = try onTerminal(["NO_COLOR": "1"])
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("invalid/02-unknown-step-key.yaml:5:5: error: unknown key 'rollbak'"))
        // Not a terminal: no colour either (the other tests read stderr through a pipe).
        let piped = try validate(["invalid/02-unknown-step-key.yaml"])
        #expect(!piped.stderr.contains("\u{1B}["))
    }
}
