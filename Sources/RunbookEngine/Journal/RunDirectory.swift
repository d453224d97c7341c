import Foundation
import RunbookYAML
import RunbookCore

/// One run's directory, `<stateDir>/runs/<run-id>/`: the pinned runbook text, params,
/// inventory snapshot, journal, output files, file snapshots and lock.
///
/// Directories are created 0700 and files 0600 whatever the umask: output can hold anything a
/// command printed.
public struct RunDirectory: Sendable, Hashable {
    /// The default state directory, relative to the working directory.
    public static let defaultStateDirectory = ".runbook"

    /// The run directory itself.
    public let path: String
    /// `YYYYMMDD-HHMMSS-<runbook>-<4 hex>` (UTC), sortable by start time.
    public let runID: String

    /// A run directory at a known path (no file system access).
    public init(path: String, runID: String) {
        self.path = path
        self.runID = runID
    }

    /// `journal.jsonl`.
    public var journalPath: String { "\(path)/journal.jsonl" }
    /// `run.json`.
    public var metadataPath: String { "\(path)/run.json" }
    /// `params.json`.
    public var paramsPath: String { "\(path)/params.json" }
    /// `inventory.json`.
    public var inventoryPath: String { "\(path)/inventory.json" }
    /// The run's lock file (`RunLock.lockRun`).
    public var lockPath: String { "\(path)/lock" }
    /// Where the pinned runbook texts are.
    public var runbookDirectory: String { "\(path)/runbook" }

    /// Creates a new run directory with its subdirectories and `run.json`.
    /// - Parameters:
    ///   - runbookText: the exact bytes of the main runbook, pinned as `runbook/<basename of file>`.
    ///   - clock: milliseconds since the epoch (tests fix it).
    /// - Throws: `JournalError.io` when the directory cannot be created.
    ///   - staged: create it as `runs/.<run-id>`, invisible to `open` and `list` until `publish()`
    ///     renames it, so a crash while it is being filled never leaves a run without a journal.
    public static func create(stateDirectory: String = defaultStateDirectory, runbook: String, file: String,
                              runbookText: [UInt8], operatorName: String, lockScope: String? = nil,
                              staged: Bool = false,
                              clock: @Sendable () -> Int64 = JournalClock.now) throws -> RunDirectory {
        let now = clock()
        let runsDirectory = "\(stateDirectory)/runs"
        try PrivateFiles.makeDirectory(runsDirectory)
        var id = ""
        var path = ""
        // Random suffix: two runs of one runbook in the same second still get distinct ids.
        while true {
            let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
            id = "\(JournalClock.compact(milliseconds: now))-\(safeName(runbook))-"
                + String(repeating: "0", count: 4 - suffix.count) + suffix
            path = "\(runsDirectory)/\(staged ? "." : "")\(id)"
            if staged, access("\(runsDirectory)/\(id)", F_OK) == 0 { continue }
            if mkdir(path, 0o700) == 0 { break }
            if errno != EEXIST { throw JournalError.io(path: path, operation: "create directory", code: errno) }
        }
        chmod(path, 0o700)
        let directory = RunDirectory(path: path, runID: id)
        for sub in ["runbook", "output", "snapshots"] { try PrivateFiles.makeDirectory("\(path)/\(sub)") }
        let pinned = try directory.pinRunbook(runbookText, relativeName: baseName(file))
        let metadata = RunMetadata(runID: id, runbook: runbook, file: file, pinnedFile: pinned,
                                   started: JournalClock.rfc3339(milliseconds: now), operatorName: operatorName,
                                   lockScope: lockScope)
        try directory.writeJSON(metadata, to: directory.metadataPath)
        return directory
    }

    /// Saves a runbook text (main or sub-runbook) under `runbook/<relativeName>`.
    /// - Returns: the path relative to the run directory.
    /// - Throws: `JournalError.unsafeName` for absolute names or `..`; `JournalError.io`.
    @discardableResult
    public func pinRunbook(_ text: [UInt8], relativeName: String) throws -> String {
        let parts = relativeName.split(separator: "/").filter { $0 != "." }
        guard !relativeName.hasPrefix("/"), !parts.isEmpty, !parts.contains("..") else {
            throw JournalError.unsafeName(relativeName)
        }
        let relative = "runbook/" + parts.joined(separator: "/")
        if parts.count > 1 {
            try PrivateFiles.makeDirectory("\(path)/runbook/" + parts.dropLast().joined(separator: "/"))
        }
        try PrivateFiles.write(text, to: "\(path)/\(relative)")
        return relative
    }

    /// Writes `params.json`: non-secret values in full, secret ones by name only.
    public func saveParams(_ params: [String: Value], secretNames: Set<String>) throws {
        var out = JSONWriter()
        out.begin()
        var visible: [String: Value] = [:]
        for (name, value) in params where !secretNames.contains(name) { visible[name] = value }
        out.key("params"); out.value(.map(visible))
        out.key("secret"); out.value(.list(secretNames.sorted().map(Value.string)))
        out.end()
        try PrivateFiles.write(out.bytes + [0x0A], to: paramsPath)
    }

    /// Writes `inventory.json`, the hosts and groups the run used. Host variables whose name
    /// says they hold a credential (`pass`, `secret`, `token`, `key` but not `key_file`) are
    /// written as `***`, and every string goes through `scrubber`.
    public func saveInventory(_ inventory: Inventory, scrubber: SecretScrubber = SecretScrubber()) throws {
        try PrivateFiles.write(InventorySnapshot.encode(inventory, scrubber: scrubber) + [0x0A], to: inventoryPath)
    }

    /// `run.json`.
    /// - Throws: `JournalError.io` when it is missing or unreadable.
    public func metadata() throws -> RunMetadata {
        guard let bytes = try PrivateFiles.read(metadataPath) else {
            throw JournalError.io(path: metadataPath, operation: "read", code: ENOENT)
        }
        do {
            return try JSONDecoder().decode(RunMetadata.self, from: Data(bytes))
        } catch {
            throw JournalError.malformedLine(file: metadataPath, line: 1, reason: "run.json is not valid run metadata")
        }
    }

    func writeJSON<T: Encodable>(_ value: T, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data()
        try PrivateFiles.write(Array(data) + [0x0A], to: file)
    }

    /// A file-name-safe form: letters, digits and `. _ - @ [ ]` kept, anything else `%XX`.
    static func safeName(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for b in text.utf8 {
            let c = Character(Unicode.Scalar(b))
            if (b < 0x80 && (c.isLetter || c.isNumber)) || "._-@[]".contains(c) || (keepSlash && c == "/") {
                out.append(c)
            } else {
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out.hasPrefix(".") ? "%2E" + out.dropFirst() : out
    }

    static func baseName(_ file: String) -> String {
        String(file.split(separator: "/").last ?? Substring(file))
    }
}

/// The inventory as `inventory.json` records it: plain JSON, keys in a fixed order.
enum InventorySnapshot {
    static func encode(_ inventory: Inventory, scrubber: SecretScrubber) -> [UInt8] {
        var out = JSONWriter()
        out.begin()
        if let file = inventory.file { out.field("file", string: file) }
        out.key("groups")
        out.value(.map(inventory.groups.mapValues { .list($0.map(Value.string)) }))
        out.key("hosts")
        out.value(.list(inventory.hosts.map { host in
            var fields: [String: Value] = [
                "name": .string(host.name), "address": .string(host.address),
                "transport": .string(host.transport.rawValue), "become": .bool(host.become),
            ]
            if let user = host.user { fields["user"] = .string(user) }
            if let port = host.port { fields["port"] = .int(port) }
            if let key = host.identityFile { fields["identityFile"] = .string(key) }
            var vars: [String: Value] = [:]
            for (name, value) in host.vars { vars[name] = looksLikeCredential(name) ? .string(SecretScrubber.mask) : value }
            fields["vars"] = .map(vars)
            return scrubber.scrub(.map(fields))
        }))
        out.end()
        return out.bytes
    }

    /// `ansible_ssh_pass`, `ansible_become_password`, `api_token`, `vault_secret`, `private_key`
    /// (a path like `ansible_ssh_private_key_file` is not a credential).
    static func looksLikeCredential(_ name: String) -> Bool {
        let n = name.lowercased()
        if n.hasSuffix("_file") || n.hasSuffix("_path") { return false }
        return ["pass", "secret", "token", "key"].contains { n.contains($0) }
    }
}
