import Foundation

/// A file a run's journal names whose bytes are not in this run directory, and where they are:
/// a team-store run's output past the store's per-run cap stays only on the machine that ran
/// the step. Pulling such a run writes the records into `kept-elsewhere.json`, so `status` and
/// `audit verify` on another machine say where the bytes are instead of only "missing".
public struct KeptElsewhere: Sendable, Hashable, Codable {
    /// The host name of the machine that ran the step.
    public var machine: String
    /// The file's absolute path on that machine.
    public var path: String

    public init(machine: String, path: String) {
        self.machine = machine
        self.path = path
    }

    /// The file in a run directory that lists them.
    public static let fileName = "kept-elsewhere.json"

    /// The records of a run directory, by path relative to it; empty when there are none.
    public static func read(_ directory: RunDirectory) -> [String: KeptElsewhere] {
        guard let bytes = try? PrivateFiles.read("\(directory.path)/\(fileName)") else { return [:] }
        return (try? JSONDecoder().decode([String: KeptElsewhere].self, from: Data(bytes))) ?? [:]
    }

    /// Writes the records (sorted keys, so the file is stable).
    static func write(_ records: [String: KeptElsewhere], to directory: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let bytes = (try? encoder.encode(records)).map { Array($0) } ?? []
        try PrivateFiles.write(bytes, to: "\(directory.path)/\(fileName)")
    }
}
