import Foundation
import Testing
import TestSupport

/// A secret param reaches no sink in clear: not the terminal (live view, confirm prompt,
/// summary), not a file of the state directory, not the audit log, not a step's environment.
@Suite("secrets under a terminal (binary)")
struct SecretLeakTests {
    static let secret = "s3cr3t-Qx9-vAlue"

    /// Runs `runbook ARGS` inside `script` (a pseudo-terminal), typing `input`; returns every
    /// byte the terminal received and the exit code.
    /// With `typeAfter`, `input` is typed only once the terminal shows that text (an operator
    /// answering a prompt), so the terminal's echo of the typing is what it would be for real.
    func underTerminal(_ arguments: [String], input: String, typeAfter: String? = nil, in s: Scenario,
                       environment: [String: String]) async throws -> (code: Int32, terminal: [UInt8]) {
        let command = ([CLI.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RUNBOOK_") && $0.key != "NO_COLOR" }
        env["TERM"] = "xterm"
        process.environment = env.merging(environment) { $1 }
        let terminalFile = s.path("terminal.bytes")
        _ = FileManager.default.createFile(atPath: terminalFile, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: terminalFile))
        process.standardError = process.standardOutput
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let typeAfter {
            let shown = await eventually(seconds: 60) {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: terminalFile))) ?? Data()
                return String(decoding: bytes, as: UTF8.self).contains(typeAfter) || !process.isRunning
            }
            #expect(shown, "the terminal never showed \(typeAfter)")
        }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
        process.waitUntilExit()
        try? stdin.fileHandleForWriting.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: terminalFile))
        return (process.terminationStatus, Array(bytes))
    }

    /// True when `bytes` hold the secret.
    func holdsSecret(_ bytes: [UInt8]) -> Bool {
        let needle = Array(Self.secret.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Every regular file under `directory`, recursively.
    func files(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.map { "\(directory)/\($0)" }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    @Test("a run under a pseudo-terminal: zero occurrences of the secret on the terminal, in the state dir, in the audit log")
    func noLeakAnywhere() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let names = s.path("env-names")
        let file = try s.write("rb.yaml", """
            runbook: secretive
            params:
              token: { type: string, secret: true }
            steps:
              - id: show
                run: "env | cut -d= -f1 > \(names); echo token is ${{ params.token }}"
              - id: ask
                confirm: "go on with ${{ params.token }}?"
              - id: fail
                run: "echo failing with ${{ params.token }} >&2; exit 1"
            """)
        let audit = s.path("audit.log")
        let (code, terminal) = try await underTerminal(
            ["run", file, "--state-dir", s.state, "--audit-log", audit], input: "yes\n", in: s,
            environment: ["RUNBOOK_SECRET_TOKEN": Self.secret])
        let shown = String(decoding: terminal, as: UTF8.self)
        #expect(code == 1, "\(shown)")

        let needle = Array(Self.secret.utf8)
        func contains(_ bytes: [UInt8]) -> Bool {
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
        #expect(!contains(terminal), "the terminal received the secret:\n\(shown)")
        // The live view did draw the step's last output line and the prompt was asked there.
        #expect(shown.contains("token is ***"), "\(shown)")
        #expect(shown.contains("go on with ***?"), "\(shown)")
        let stateFiles = files(under: s.state)
        #expect(stateFiles.count > 5)
        for path in stateFiles + [audit] {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(!contains(bytes), "\(path) holds the secret")
        }
        let inherited = s.lines("env-names").filter { $0.hasPrefix("RUNBOOK_SECRET_") }
        #expect(inherited.isEmpty, "a step's environment had \(inherited)")
    }

    @Test("a secret as a confirm's answer: the operator types it under a pseudo-terminal and it is never echoed; a secret lock: is refused there without showing it")
    func secretAnswerNotEchoed() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", """
            runbook: secret-answer
            params:
              token: { type: string, secret: true }
            steps:
              - id: show
                run: "echo token is ${{ params.token }}"
              - id: ask
                confirm: { prompt: "type the token ${{ params.token }} to go on", answer: "${{ params.token }}" }
              - id: after
                run: "echo approved > \(s.path("approved"))"
            """)
        let audit = s.path("audit.log")
        let (code, terminal) = try await underTerminal(
            ["run", file, "--state-dir", s.state, "--audit-log", audit], input: Self.secret + "\n",
            typeAfter: "to continue (anything else stops the run", in: s,
            environment: ["RUNBOOK_SECRET_TOKEN": Self.secret])
        let shown = String(decoding: terminal, as: UTF8.self)
        #expect(code == 0, "\(shown)")
        #expect(s.lines("approved") == ["approved"], "the typed secret did not approve")
        #expect(shown.contains("type the token *** to go on"), "\(shown)")
        #expect(shown.contains("Type '***' to continue"), "\(shown)")
        #expect(!holdsSecret(terminal), "the terminal received the secret:\n\(shown)")
        let stateFiles = files(under: s.state)
        #expect(stateFiles.count > 5)
        try expectNoSecret(in: stateFiles + [audit])

        let locked = try s.write("locked.yaml", Self.secretInLockRunbook)
        let lockState = s.path("lock-state")
        let refused = try await underTerminal(["run", locked, "--state-dir", lockState, "--audit-log", audit],
                                              input: "", in: s, environment: ["RUNBOOK_SECRET_TOKEN": Self.secret])
        let refusal = String(decoding: refused.terminal, as: UTF8.self)
        #expect(refused.code == 2, "\(refusal)")
        #expect(refusal.contains("lock: uses the secret param 'token'"), "\(refusal)")
        #expect(!holdsSecret(refused.terminal), "the terminal received the secret:\n\(refusal)")
        try expectNoSecret(in: files(under: lockState) + [audit])
    }

    @Test("a secret param in lock: is refused at validate and at run (exit 2); nothing is written")
    func secretInLock() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", Self.secretInLockRunbook)
        let validate = try await CLI.start(["validate", file]).wait()
        #expect(validate.status == 2)
        #expect(validate.output.contains("\(file):2:"), "\(validate.output)")
        #expect(validate.output.contains("error: lock: uses the secret param 'token'"), "\(validate.output)")
        let run = try await s.runbook(["run", file], environment: ["RUNBOOK_SECRET_TOKEN": Self.secret])
        #expect(run.status == 2)
        #expect(!run.output.contains(Self.secret))
        #expect(s.runs().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(s.state)/locks"))
    }

    /// A runbook whose `lock:` names a secret param: refused before anything is written.
    static let secretInLockRunbook = """
        runbook: locked
        lock: scope-${{ params.token }}
        params:
          token: { type: string, secret: true }
        steps:
          - id: a
            run: "true"
        """

    /// No byte of any of these files is the secret (or its scrubbed forms, see `holdsSecret`).
    func expectNoSecret(in paths: [String]) throws {
        for path in paths {
            #expect(!holdsSecret(Array(try Data(contentsOf: URL(fileURLWithPath: path)))), "\(path) holds the secret")
        }
    }
}
