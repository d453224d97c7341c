import CYAML

/// Parses one YAML document into a `Node` tree with libyaml's event API.
///
/// It refuses, with a positioned diagnostic: syntax errors, duplicate mapping keys, more
/// than one document, an empty document, alias expansion or nesting past `limits`, and input
/// larger than `limits.maxBytes`. libyaml itself rejects invalid UTF-8 with a position.
public struct YAMLParser: Sendable {
    public var limits: YAMLLimits

    public init(limits: YAMLLimits = .default) { self.limits = limits }

    /// Parses `bytes` read from `file` (the name used in diagnostics).
    /// - Throws: `DiagnosticError` with every problem found before parsing had to stop.
    public func parse(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> Node {
        if bytes.count > limits.maxBytes {
            throw DiagnosticError(.error(
                "document is \(bytes.count) bytes, larger than the limit of \(limits.maxBytes) bytes",
                at: SourceLocation(file: file, line: 1, column: 1),
                hint: "raise the limit with --max-document-size if the file is really meant to be this large"))
        }
        var builder = TreeBuilder(file: file, limits: limits)
        let result: Result<Node, DiagnosticError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failure(DiagnosticError(.error("cannot initialise the YAML parser", at: nil)))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    return .failure(DiagnosticError(Self.syntaxError(parser, file: file)))
                }
                defer { yaml_event_delete(&event) }
                do throws(DiagnosticError) {
                    if try builder.consume(&event) { break }
                } catch {
                    return .failure(error)
                }
            }
            return builder.finish()
        }
        return try result.get()
    }

    /// Reads and parses a file.
    /// - Throws: `DiagnosticError` when the file cannot be read or is not valid YAML.
    public func parse(contentsOf path: String) throws(DiagnosticError) -> Node {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxBytes)
        } catch {
            throw DiagnosticError(.error(error.message, at: error.tooLarge ? SourceLocation(file: path, line: 1, column: 1) : nil))
        }
        return try parse(bytes, file: path)
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        let mark = parser.problem_mark
        var message = "invalid YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) { message += " \(context)" }
        var hint: String? = nil
        if problem.contains("cannot start any token") { hint = "YAML does not allow tabs for indentation; use spaces" }
        if problem.contains("UTF-8") || problem.contains("octet") { hint = "the file must be UTF-8 text" }
        return .error(
            message,
            at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
            hint: hint)
    }
}
