import Foundation
import Testing

/// `runbook validate` as a user runs it: the built binary, its streams and exit status.
@Suite struct ValidateCommandTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func validate(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let binary = Self.root.appendingPathComponent(".build/debug/runbook")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the runbook product first")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["validate"] + arguments
        process.currentDirectoryURL = Self.root.appendingPathComponent("Tests/Fixtures")
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
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
}
