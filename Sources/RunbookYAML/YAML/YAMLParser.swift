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
        let bytes = FileBytes.withoutBOM(bytes)
        if bytes.count > limits.maxBytes {
            throw DiagnosticError(.error(
                "document is \(bytes.count) bytes, larger than the limit of \(limits.maxBytes) bytes",
                at: SourceLocation(file: file, line: 1, column: 1),
                hint: Self.sizeHint))
        }
        var builder = TreeBuilder(file: file, limits: limits, size: bytes.count)
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
                    return .failure(DiagnosticError(Self.syntaxError(parser, bytes: buffer, file: file)))
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
        try parse(try readFile(path), file: path)
    }

    /// The bytes of a file within `limits.maxBytes` (also used by the runbook loader).
    /// - Throws: `DiagnosticError` when the file cannot be read or is too large (positioned at 1:1).
    package func readFile(_ path: String) throws(DiagnosticError) -> [UInt8] {
        do {
            return try FileBytes.read(path, limit: limits.maxBytes)
        } catch {
            throw DiagnosticError(.error(
                error.message, at: error.tooLarge ? SourceLocation(file: path, line: 1, column: 1) : nil,
                hint: error.tooLarge ? Self.sizeHint : nil))
        }
    }

    private static let sizeHint = "raise the limit with --max-document-size if the file is really meant to be this large"

    private static func syntaxError(_ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark: find the line and column ourselves.
            let offset = min(Int(parser.problem_offset), bytes.count)
            // problem_value is a code point for a surrogate (0xD800 showed as "byte 0x0"): show the bytes themselves.
            var value = ""
            if offset < bytes.count {
                let lead = bytes[offset]
                var width = (0xC2...0xDF).contains(lead) ? 2 : (0xE0...0xEF).contains(lead) ? 3 : (0xF0...0xF4).contains(lead) ? 4 : 1
                width = min(width, bytes.count - offset)
                // Only the continuation bytes that follow belong to the character.
                var end = offset + 1
                while end < offset + width, bytes[end] & 0xC0 == 0x80 { end += 1 }
                width = end - offset
                let shown = bytes[offset..<end].map { "0x" + (($0 < 0x10 ? "0" : "") + String($0, radix: 16, uppercase: true)) }
                value = " (byte\(width == 1 ? "" : "s") \(shown.joined(separator: " ")))"
            }
            return .error(
                "the file is not valid UTF-8: \(problem)\(value)", at: position(ofByte: offset, in: bytes, file: file),
                hint: "save the file as UTF-8 text")
        }
        let mark = parser.problem_mark
        let at = SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        var hint: String? = nil
        if problem.contains("cannot start any token"), lineHasTabIndent(Int(mark.line), in: bytes) {
            hint = "YAML does not allow tabs for indentation; use spaces"
        }
        if problem.contains("mapping values are not allowed") {
            hint = "a ': ' inside a plain value starts a mapping; put the whole value in quotes"
        }
        var notes: [Diagnostic.Note] = []
        if let context = parser.context.map({ String(cString: $0) }) {
            let c = parser.context_mark
            notes.append(.init(context, at: SourceLocation(file: file, line: Int(c.line) + 1, column: Int(c.column) + 1)))
        }
        return Diagnostic(.error, "invalid YAML: \(problem)", at: at, hint: hint, notes: notes)
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset.
    private static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for b in bytes[0..<offset] {
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func lineHasTabIndent(_ zeroBasedLine: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var line = 0
        var i = 0
        while i < bytes.count, line < zeroBasedLine {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 {
            if bytes[i] == 0x09 { return true }
            i += 1
        }
        return false
    }
}
