/// Turns runbook text into a `Runbook`, reporting every mistake it can find in one pass.
///
/// Stages: bytes -> `Node` (YAMLParser: syntax, limits, duplicate keys) -> `Runbook` (this
/// loader: keys, types, ids, regexes, expressions, param references). Step references
/// (`needs`, `steps.<id>` in expressions) and sub-runbooks are the planner's to check.
public struct RunbookLoader: Sendable {
    /// Bounds applied to the YAML document.
    public var limits: YAMLLimits

    public init(limits: YAMLLimits = .default) { self.limits = limits }

    /// Reads and loads a runbook file.
    /// - Parameter path: the path as the user wrote it; diagnostics show it unchanged.
    /// - Throws: `DiagnosticError` with every problem found, sorted by position.
    public func load(contentsOf path: String) throws(DiagnosticError) -> Runbook {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxBytes)
        } catch {
            throw DiagnosticError(.error(
                error.message, at: error.tooLarge ? SourceLocation(file: path, line: 1, column: 1) : nil,
                hint: error.tooLarge ? "raise the limit with --max-document-size if the file is really meant to be this large" : nil))
        }
        return try load(bytes: bytes, file: path)
    }

    /// Loads a runbook from bytes; `file` is the name used in diagnostics and kept in `Runbook.file`.
    /// - Throws: `DiagnosticError` with every problem found, sorted by position.
    public func load(bytes: [UInt8], file: String) throws(DiagnosticError) -> Runbook {
        let root = try YAMLParser(limits: limits).parse(bytes, file: file)
        var decoder = RunbookDecoder(file: file, source: SourceText(bytes))
        let runbook = decoder.runbook(from: root)
        let errors = decoder.diagnostics.filter { $0.severity == .error }
        if let runbook, errors.isEmpty { return runbook }
        throw DiagnosticError(decoder.diagnostics)
    }
}
