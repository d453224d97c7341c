extension RunDirectory {
    /// The run named by `reference`: a run directory path (anything with a `/`), a full run id,
    /// or a unique prefix of one.
    /// - Throws: `JournalError.runNotFound` or `.ambiguousRun`.
    public static func open(_ reference: String, stateDirectory: String = defaultStateDirectory) throws -> RunDirectory {
        if reference.contains("/") {
            let trimmed = reference.hasSuffix("/") ? String(reference.dropLast()) : reference
            guard PrivateFiles.isDirectory(trimmed) else {
                throw JournalError.runNotFound(reference, stateDirectory: stateDirectory)
            }
            return RunDirectory(path: trimmed, runID: baseName(trimmed))
        }
        let runs = "\(stateDirectory)/runs"
        if PrivateFiles.isDirectory("\(runs)/\(reference)") {
            return RunDirectory(path: "\(runs)/\(reference)", runID: reference)
        }
        let matches = PrivateFiles.list(runs).filter { !$0.hasPrefix(".") && $0.hasPrefix(reference) }.sorted()
        switch matches.count {
        case 0: throw JournalError.runNotFound(reference, stateDirectory: stateDirectory)
        case 1: return RunDirectory(path: "\(runs)/\(matches[0])", runID: matches[0])
        default: throw JournalError.ambiguousRun(reference, candidates: matches)
        }
    }

    /// Every run in the state directory, newest first (run ids sort by start time).
    public static func list(stateDirectory: String = defaultStateDirectory) -> [RunDirectory] {
        let runs = "\(stateDirectory)/runs"
        return PrivateFiles.list(runs)
            .filter { !$0.hasPrefix(".") && PrivateFiles.isDirectory("\(runs)/\($0)") }
            .sorted(by: >)
            .map { RunDirectory(path: "\(runs)/\($0)", runID: $0) }
    }
}
