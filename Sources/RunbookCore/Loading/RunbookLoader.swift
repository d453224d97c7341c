import RunbookYAML

/// Turns runbook text into a `Runbook`, reporting every mistake it can find in one pass.
///
/// Stages: bytes -> `Node` (YAMLParser: syntax, limits, duplicate keys) -> `Runbook` (this
/// loader: keys, types, ids, regexes, expressions, param references). Step references
/// (`needs`, `steps.<id>` in expressions) and sub-runbooks are the planner's to check.
public struct RunbookLoader: Sendable {
    /// Bounds applied to the YAML document.
    public var limits: YAMLLimits

    /// A loader with the given bounds (`--max-document-size` changes `limits.maxBytes`).
    public init(limits: YAMLLimits = .default) { self.limits = limits }

    /// Reads and loads a runbook file.
    /// - Parameter path: the path as the user wrote it; diagnostics show it unchanged.
    /// - Throws: `DiagnosticError` with every problem found, sorted by position.
    public func load(contentsOf path: String) throws(DiagnosticError) -> Runbook {
        try load(bytes: try YAMLParser(limits: limits).readFile(path), file: path)
    }

    /// Loads a runbook from bytes; `file` is the name used in diagnostics and kept in `Runbook.file`.
    /// - Throws: `DiagnosticError` with every problem found, sorted by position.
    public func load(bytes: [UInt8], file: String) throws(DiagnosticError) -> Runbook {
        // Positions of `${{` are found in these bytes: they must be the ones the parser saw.
        let bytes = FileBytes.withoutBOM(bytes)
        let root = try YAMLParser(limits: limits).parse(bytes, file: file)
        var decoder = RunbookDecoder(file: file, source: SourceText(bytes))
        let runbook = decoder.runbook(from: root)
        let errors = decoder.diagnostics.filter { $0.severity == .error }
        if let runbook, errors.isEmpty { return runbook }
        throw DiagnosticError(decoder.diagnostics)
    }
}
