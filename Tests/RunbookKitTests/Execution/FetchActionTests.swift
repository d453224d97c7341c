import Crypto
import Foundation
import RunbookCore
import RunbookEngine
import Testing
import TestSupport

/// `fetch`: a file from the step's host to the machine running `runbook` — atomic, 0600, parent
/// directories 0700, size and SHA-256 journaled, never overwriting a different file, never
/// rolled back, refused above the size limit, optionally encrypted on arrival with openssl.
@Suite("fetch file action")
struct FetchActionTests {
    static let payload = Array("etc/origin archive bytes\n".utf8) + (0..<200).map { UInt8($0) }

    static func fetch(_ from: String, _ to: String, passphrase: Template? = nil) -> Step {
        .test("fetch", .file(.fetch(from: .test(from), to: .test(to), passphrase: passphrase)))
    }

    static func engine(_ h: EngineHarness, _ runbook: Runbook, fetchLimit: Int? = nil, params: [String: Value] = [:]) -> Engine {
        var options = EngineOptions(parallel: 2, gracePeriod: .init(milliseconds: 300), clock: h.clock)
        if let fetchLimit { options.fetchLimit = fetchLimit }
        return Engine(runbook: runbook, params: params, inventory: .empty, transports: TransportFactory(),
                      recorder: h.recorder, approver: FixedApprover(.refused(typed: "")), reporter: SilentProgress(),
                      outputs: RunDirectoryOutputStore(directory: h.directory.appendingPathComponent("run")), options: options)
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    @Test("copies the file atomically with mode 0600, creates parents 0700, journals path, size and sha256")
    func copies() async throws {
        let h = try EngineHarness()
        try Data(Self.payload).write(to: URL(fileURLWithPath: h.path("source.tar.gz")))
        let to = h.path("backups/master-0/20260101/source.tar.gz")
        let outcome = await Self.engine(h, .test([Self.fetch(h.path("source.tar.gz"), to)])).run()
        #expect(outcome.status == .succeeded)
        #expect(FileManager.default.contents(atPath: to).map { [UInt8]($0) } == Self.payload)
        #expect(Self.mode(to) == 0o600)
        #expect(Self.mode(h.path("backups/master-0")) == 0o700)
        #expect(Self.mode(h.path("backups/master-0/20260101")) == 0o700)
        let digest = SHA256.hash(data: Self.payload).map { String(format: "%02x", $0) }.joined()
        let succeeded = await h.recorder.events.first { $0.kind == .stepSucceeded }
        #expect(succeeded?.outputs == ["path": .string(to), "bytes": .int(Self.payload.count), "sha256": .string(digest)])
        let started = await h.recorder.events.first { $0.kind == .stepStarted }
        #expect(started?.command == "fetch localhost:\(h.path("source.tar.gz")) to \(to)")
        // No temporary file is left next to it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: h.path("backups/master-0/20260101")) == ["source.tar.gz"])
    }

    @Test("an existing different destination is never overwritten; the same content counts as done")
    func neverOverwrites() async throws {
        let h = try EngineHarness()
        try Data(Self.payload).write(to: URL(fileURLWithPath: h.path("source")))
        try "older backup\n".write(toFile: h.path("dest"), atomically: true, encoding: .utf8)
        let refused = await Self.engine(h, .test([Self.fetch(h.path("source"), h.path("dest"))])).run()
        #expect(refused.status == .failed || refused.status == .rolledBack)
        #expect(refused.reason == "fetch: \(h.path("dest")) already exists on the machine running runbook with other content; "
            + "it is never overwritten (move it away, or choose another destination)")
        #expect(h.read("dest") == "older backup\n")

        try Data(Self.payload).write(to: URL(fileURLWithPath: h.path("dest")))
        let again = try EngineHarness()
        let done = await Self.engine(again, .test([Self.fetch(h.path("source"), h.path("dest"))])).run()
        #expect(done.status == .succeeded)
        let notes = await again.recorder.events.filter { $0.kind == .note }.compactMap(\.message)
        #expect(notes.contains { $0.hasPrefix("\(h.path("dest")) already holds this fetch (\(Self.payload.count) bytes, sha256 ") })
    }

    @Test("a failed run keeps the fetched file: nothing rolls a fetch back")
    func rollbackKeepsTheFile() async throws {
        let h = try EngineHarness()
        try Data(Self.payload).write(to: URL(fileURLWithPath: h.path("source")))
        let outcome = await Self.engine(h, .test([Self.fetch(h.path("source"), h.path("kept")), .run("fail", "exit 3")])).run()
        #expect(outcome.status == .rolledBack)
        #expect(FileManager.default.contents(atPath: h.path("kept")).map { [UInt8]($0) } == Self.payload)
    }

    @Test("a file above the limit is refused before it is read; a missing source fails")
    func refusesAboveLimit() async throws {
        let h = try EngineHarness()
        try Data(Self.payload).write(to: URL(fileURLWithPath: h.path("source")))
        let big = await Self.engine(h, .test([Self.fetch(h.path("source"), h.path("out/x"))]), fetchLimit: 100).run()
        #expect(big.reason == "fetch: localhost:\(h.path("source")) is \(Self.payload.count) bytes, more than the 100-byte limit a fetch "
            + "holds in memory; copy it by other means (scp) or split it")
        #expect(!FileManager.default.fileExists(atPath: h.path("out")))

        let missing = await Self.engine(try EngineHarness(), .test([Self.fetch(h.path("nothing"), h.path("out/y"))])).run()
        #expect(missing.reason == "fetch: cannot fetch localhost:\(h.path("nothing")): No such file or directory")
    }

    @Test("with a passphrase: encrypted on arrival into TO.enc, openssl decrypts it, the passphrase is never journaled")
    func encrypts() async throws {
        let h = try EngineHarness()
        try Data(Self.payload).write(to: URL(fileURLWithPath: h.path("source")))
        let secret = Param(name: "pass", secret: true, location: testLocation)
        let pass = Template.expr(.reference(["params", "pass"]))
        let runbook = Runbook.test([Self.fetch(h.path("source"), h.path("out/file.tar.gz"), passphrase: pass)], params: [secret])
        let outcome = await Self.engine(h, runbook, params: ["pass": .string("correct horse")]).run()
        #expect(outcome.status == .succeeded)
        #expect(!FileManager.default.fileExists(atPath: h.path("out/file.tar.gz")))
        let stored = try #require(FileManager.default.contents(atPath: h.path("out/file.tar.gz.enc")))
        #expect(Array(stored.prefix(8)) == Array("Salted__".utf8))
        #expect(Self.mode(h.path("out/file.tar.gz.enc")) == 0o600)
        let decrypt = "P='correct horse' openssl enc -d -aes-256-cbc -pbkdf2 -pass env:P -in \(h.path("out/file.tar.gz.enc")) -out \(h.path("decrypted"))"
        let decrypted = try ChildProcess.run("/bin/sh", ["-c", decrypt])
        #expect(decrypted.status == 0)
        #expect(FileManager.default.contents(atPath: h.path("decrypted")).map { [UInt8]($0) } == Self.payload)
        let journal = await h.recorder.events.map { "\($0)" }.joined()
        #expect(!journal.contains("correct horse"))

        // A resumed fetch finds the same (decrypted) content there and does not refuse it.
        let again = try EngineHarness()
        let resumed = await Self.engine(again, runbook, params: ["pass": .string("correct horse")]).run()
        #expect(resumed.status == .succeeded)
        #expect(FileManager.default.contents(atPath: h.path("out/file.tar.gz.enc")) == stored)

        // An empty passphrase means no encryption.
        let plain = await Self.engine(try EngineHarness(), .test([Self.fetch(h.path("source"), h.path("plain"),
                                                                            passphrase: .test(""))])).run()
        #expect(plain.status == .succeeded)
        #expect(FileManager.default.contents(atPath: h.path("plain")).map { [UInt8]($0) } == Self.payload)
    }

    @Test("the loader reads fetch, refuses it as a rollback item; lint wants a secret passphrase")
    func loaderAndLint() throws {
        let text = """
            runbook: t
            params:
              pass: { type: string, secret: true, default: "" }
              plain: { type: string, default: x }
            steps:
              - id: a
                on: local
                fetch: { from: /etc/hosts, to: backups/hosts, passphrase: "${{ params.pass }}" }
              - id: b
                on: local
                fetch: { from: /etc/hosts, to: backups/hosts2, passphrase: "${{ params.plain }}" }

            """
        let runbook = try RunbookLoader().load(bytes: Array(text.utf8), file: "t.yaml")
        guard case .file(.fetch(let from, let to, let passphrase)) = runbook.steps.first?.action else {
            Issue.record("expected a fetch")
            return
        }
        #expect(from.raw == "/etc/hosts")
        #expect(to.raw == "backups/hosts")
        #expect(passphrase?.raw == "${{ params.pass }}")
        let warnings = Linter().lint(runbook, text: text).map(\.message)
        #expect(warnings == ["step 'b' encrypts with a passphrase that is not a secret param [fetch-passphrase-not-secret]"])

        let bad = "runbook: t\nsteps:\n  - id: a\n    run: \"true\"\n    rollback:\n      - fetch: { from: /a, to: b }\n"
        do {
            _ = try RunbookLoader().load(bytes: Array(bad.utf8), file: "t.yaml")
            Issue.record("a fetch rollback was accepted")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["a rollback cannot fetch a file"])
        }
    }

    @Test("an optional backup_passphrase left at its default is not a secret resume asks for again; a given one is")
    func defaultedSecretIsNotAskedOnResume() throws {
        let runbook = Runbook.test([], params: [
            Param(name: "backup_passphrase", defaultValue: .string(""), secret: true, location: testLocation),
        ])
        let defaulted = try ParamResolver(environment: [:]).resolve(runbook, assignments: [])
        #expect(defaulted.values == ["backup_passphrase": .string("")])
        #expect(defaulted.secretNames.isEmpty)
        let given = try ParamResolver(environment: ["RUNBOOK_SECRET_BACKUP_PASSPHRASE": "pw"]).resolve(runbook, assignments: [])
        #expect(given.secretNames == ["backup_passphrase"])
    }
}
