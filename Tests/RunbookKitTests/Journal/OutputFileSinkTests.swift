import Crypto
import Foundation
import Testing
@testable import RunbookKit

@Suite("Output file sink")
struct OutputFileSinkTests {
    @Test("streams to 0600 files with size and SHA-256; head and tail stay bounded")
    func bounded() async throws {
        let dir = JournalFixtures.temporaryDirectory()
        defer { JournalFixtures.remove(dir) }
        let run = try RunDirectory.create(stateDirectory: dir, runbook: "r", file: "r.yaml", runbookText: [], operatorName: "op")
        let base = run.outputBase(step: "drain[a/b]@node-1", attempt: 2)
        #expect(base == "output/drain[a%2Fb]@node-1.2")
        let sink = try OutputFileSink(directory: run.path, relativeBase: base)
        var all: [UInt8] = []
        var hasher = SHA256()
        // 3 MiB in 64 KiB chunks whose bytes vary, so head and tail are distinguishable.
        for i in 0..<48 {
            let chunk = [UInt8](repeating: UInt8(i), count: 64 << 10)
            all += chunk
            hasher.update(data: chunk)
            await sink.write(chunk, to: .stdout)
        }
        await sink.write(Array("oops\n".utf8), to: .stderr)
        try await sink.close()
        let digest = await sink.digest(.stdout)
        #expect(digest == OutputDigest(bytes: 3 << 20, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined(),
                                       file: "\(base).stdout"))
        #expect(await sink.head(.stdout) == Array(all.prefix(1 << 20)))
        #expect(await sink.tail(.stdout) == Array(all.suffix(64 << 10)))
        #expect(await sink.truncatedHead(.stdout))
        #expect(await sink.digest(.stderr).bytes == 5)
        let written = try #require(FileManager.default.contents(atPath: "\(run.path)/\(base).stdout"))
        #expect(Array(written) == all)
        let perms = try FileManager.default.attributesOfItem(atPath: "\(run.path)/\(base).stderr")[.posixPermissions] as? Int
        #expect(perms == 0o600)
    }

    @Test("a secret echoed by a command never reaches the output file")
    func scrubbedOutput() async throws {
        let dir = JournalFixtures.temporaryDirectory()
        defer { JournalFixtures.remove(dir) }
        let file = try OutputFileSink(directory: dir, relativeBase: "out")
        let sink = ScrubbingOutputSink(scrubber: SecretScrubber(secrets: ["hunter2"]), downstream: file)
        await sink.write(Array("password is hun".utf8), to: .stdout)
        await sink.write(Array("ter2\n".utf8), to: .stdout)
        await sink.finish()
        try await file.close()
        #expect(try String(contentsOfFile: "\(dir)/out.stdout", encoding: .utf8) == "password is ***\n")
    }
}
