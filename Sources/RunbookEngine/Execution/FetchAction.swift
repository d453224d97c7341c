import Crypto
import Foundation
import RunbookCore

/// `fetch`: copies a file from the step's host to the machine running `runbook` (in `--sim`, the
/// simulated controller), atomically, mode 0600, parent directories created 0700; optionally
/// encrypted on arrival with `openssl enc -aes-256-cbc -pbkdf2` (the passphrase goes through the
/// environment of that one command, never its command line or the journal).
///
/// The file is held in memory (transports read whole files), so a file larger than the limit is
/// refused before it is read. An existing different destination is never overwritten; the same
/// content (after a crash between the write and the journal) counts as done. Nothing rolls a
/// fetch back: the step records no snapshot, so a failed run keeps the fetched backup.
struct FetchAction: Sendable {
    var host: any Transport
    var local: any Transport
    var limit: Int

    /// What the step records: the local path, its size and SHA-256 (of the file as stored).
    struct Fetched: Sendable {
        var path: String
        var bytes: Int
        var sha256: String
        var alreadyThere: Bool

        var outputs: [String: Value] {
            ["path": .string(path), "bytes": .int(bytes), "sha256": .string(sha256)]
        }
    }

    /// A reason the fetch was refused or failed, for the step's failure message.
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// Environment variable carrying the passphrase to `openssl` (`-pass env:…`).
    static let passphraseVariable = "RUNBOOK_FETCH_PASSPHRASE"
    /// The encryption command; `-d` is added to decrypt. The operator decrypts with
    /// `openssl enc -d -aes-256-cbc -pbkdf2 -in FILE -out FILE.tar.gz` (it asks for the passphrase).
    static let cipher = "openssl enc -aes-256-cbc -pbkdf2 -salt"

    func fetch(from: String, to: String, passphrase: String?) async throws -> Fetched {
        let size = try await remoteSize(from)
        guard size <= limit else {
            throw Refused(description: "\(host.host.name):\(from) is \(size) bytes, more than the \(limitText) a fetch holds "
                + "in memory; copy it by other means (scp) or split it")
        }
        guard let plain = try await host.readFile(from) else {
            throw Refused(description: "\(host.host.name):\(from) does not exist")
        }
        guard plain.count <= limit else {
            throw Refused(description: "\(host.host.name):\(from) grew to \(plain.count) bytes while it was read, more than the \(limitText)")
        }
        if let existing = try await local.readFile(to) {
            if try await sameContent(existing, plain, passphrase: passphrase) {
                return Fetched(path: to, bytes: existing.count, sha256: SHA256.hash(data: existing).hexString, alreadyThere: true)
            }
            throw Refused(description: "\(to) already exists on the machine running runbook with other content; "
                + "it is never overwritten (move it away, or choose another destination)")
        }
        var stored = plain
        if let passphrase { stored = try await openssl(plain, passphrase: passphrase, decrypt: false) }
        try await makeParent(of: to)
        try await local.writeFile(to, contents: stored, mode: 0o600)
        return Fetched(path: to, bytes: stored.count, sha256: SHA256.hash(data: stored).hexString, alreadyThere: false)
    }

    private var limitText: String { limit == FileAction.fetchLimit ? FileAction.fetchLimitDescription : "\(limit)-byte limit" }

    /// The file's size on the host, without reading it; refuses what is not a regular file.
    private func remoteSize(_ path: String) async throws -> Int {
        do {
            return try await host.fileSize(path)
        } catch let error as TransportError where error.kind == .fileError {
            throw Refused(description: "cannot fetch \(host.host.name):\(path): \(error.message)")
        }
    }

    /// The destination's directory, created (0700 for new directories) on the machine running runbook.
    private func makeParent(of path: String) async throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        try await local.makeDirectory(String(path[..<slash]))
    }

    /// An existing destination is the same fetch when it holds the same bytes (decrypted, when encrypted).
    private func sameContent(_ existing: [UInt8], _ plain: [UInt8], passphrase: String?) async throws -> Bool {
        guard let passphrase else { return existing == plain }
        do {
            return try await openssl(existing, passphrase: passphrase, decrypt: true) == plain
        } catch is Refused {
            return false
        }
    }

    /// Runs `openssl enc` on the machine running runbook with `input` on stdin.
    private func openssl(_ input: [UInt8], passphrase: String, decrypt: Bool) async throws -> [UInt8] {
        let command = Self.cipher + (decrypt ? " -d" : "") + " -pass env:\(Self.passphraseVariable)"
        let request = CommandRequest(command: command, environment: [Self.passphraseVariable: passphrase], stdin: input)
        let output = try await collect(local, request)
        guard output.status == .exited(0) else {
            let what = decrypt ? "decrypt" : "encrypt"
            throw Refused(description: "cannot \(what) with openssl on the machine running runbook: "
                + (output.stderrLine ?? output.status.description))
        }
        return output.stdout
    }

    private func collect(_ transport: any Transport, _ request: CommandRequest) async throws -> CollectedOutput {
        let collector = OutputCollector()
        let result = try await transport.run(request, sink: collector)
        return await CollectedOutput(status: result.status, stdout: collector.stdout,
                                     stderr: String(decoding: collector.stderr, as: UTF8.self))
    }
}

extension CollectedOutput {
    /// The last line of stderr, if any.
    var stderrLine: String? {
        stderr.split(whereSeparator: \.isNewline).last.map(String.init)
    }
}
