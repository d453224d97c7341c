/// `run.json`: what a run is, written once when the run directory is created.
public struct RunMetadata: Sendable, Hashable, Codable {
    /// The run directory format this build writes.
    public static let currentFormatVersion = 1

    /// The run directory format version.
    public var formatVersion: Int
    /// The run id (`runId` in JSON).
    public var runID: String
    /// The runbook's `runbook:` name.
    public var runbook: String
    /// The runbook file as given on the command line.
    public var file: String
    /// Where the pinned copy is, relative to the run directory (`runbook/<name>`).
    public var pinnedFile: String
    /// RFC 3339 UTC.
    public var started: String
    /// Who started the run (`operator` in JSON).
    public var operatorName: String
    /// The runbook's lock scope, rendered, when it has one.
    public var lockScope: String?

    /// Metadata for a new run.
    public init(runID: String, runbook: String, file: String, pinnedFile: String, started: String,
                operatorName: String, lockScope: String? = nil,
                formatVersion: Int = RunMetadata.currentFormatVersion) {
        self.formatVersion = formatVersion
        self.runID = runID
        self.runbook = runbook
        self.file = file
        self.pinnedFile = pinnedFile
        self.started = started
        self.operatorName = operatorName
        self.lockScope = lockScope
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion, runID = "runId", runbook, file, pinnedFile, started, operatorName = "operator", lockScope
    }
}
