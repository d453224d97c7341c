import Crypto
import Foundation

/// `seal.json`: how long the journal was and what its last line hashed to when a process last
/// ended the run (finished, rolled back, stopped). The hash chain protects every line but the
/// tail; the seal makes a journal cut short after that point visible to `audit verify` and
/// `resume`. Rewritten at each end, so a resumed run moves it forward.
public struct RunSeal: Sendable, Hashable, Codable {
    /// The file name inside the run directory.
    public static let fileName = "seal.json"

    /// Lines in the journal when the seal was written.
    public var lines: Int
    /// SHA-256 of the last of those lines (64 zeros when there were none).
    public var sha256: String

    /// A seal.
    public init(lines: Int, sha256: String) {
        self.lines = lines
        self.sha256 = sha256
    }

    /// Writes the seal (replacing an older one atomically).
    /// - Throws: `JournalError.io`.
    public func write(to directory: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let temporary = "\(directory.path)/.\(Self.fileName).tmp"
        try PrivateFiles.write(Array((try? encoder.encode(self)) ?? Data()) + [0x0A], to: temporary)
        guard rename(temporary, "\(directory.path)/\(Self.fileName)") == 0 else {
            throw JournalError.io(path: "\(directory.path)/\(Self.fileName)", operation: "write", code: errno)
        }
    }

    /// The run's seal, nil when it has none.
    /// - Throws: `JournalError` when it exists but cannot be read as a seal.
    public static func read(_ directory: RunDirectory) throws -> RunSeal? {
        let path = "\(directory.path)/\(fileName)"
        guard let bytes = try PrivateFiles.read(path) else { return nil }
        guard let seal = try? JSONDecoder().decode(RunSeal.self, from: Data(bytes)) else {
            throw JournalError.malformedLine(file: path, line: 1, reason: "not a run seal")
        }
        return seal
    }
}

extension RunDirectory {
    /// SHA-256 of every file the run was set up with, by path relative to the run directory:
    /// the files at its top level (`run.json`, `params.json`, `inventory.json`,
    /// `invocation.json`) and the pinned runbooks under `runbook/`. Not the journal, the locks
    /// or the seal, which change while the run goes on.
    /// - Throws: `JournalError.io` when a file cannot be read.
    public func setupDigests() throws -> [String: String] {
        var digests: [String: String] = [:]
        let changing: Set<String> = ["journal.jsonl", "lock", RunSeal.fileName]
        for name in PrivateFiles.list(path) where !changing.contains(name) && !name.hasPrefix(".") {
            guard !PrivateFiles.isDirectory("\(path)/\(name)"), let bytes = try PrivateFiles.read("\(path)/\(name)") else {
                continue
            }
            digests[name] = SHA256.hash(data: bytes).hexString
        }
        try addDigests(under: "runbook", to: &digests)
        return digests
    }

    private func addDigests(under relative: String, to digests: inout [String: String]) throws {
        for name in PrivateFiles.list("\(path)/\(relative)") {
            let child = "\(relative)/\(name)"
            if PrivateFiles.isDirectory("\(path)/\(child)") {
                try addDigests(under: child, to: &digests)
            } else if let bytes = try PrivateFiles.read("\(path)/\(child)") {
                digests[child] = SHA256.hash(data: bytes).hexString
            }
        }
    }
}
