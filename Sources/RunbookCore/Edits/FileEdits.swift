import RunbookYAML

/// Applies `edit` changes to a file's bytes for the engine: renders the edits in the step's
/// context (values regex-escaped in patterns, literal in replacements) and applies them with
/// `FileEditor`, the same code `plan` uses for its diffs.
package enum FileEdits {
    /// An edit target that is not UTF-8 text: editing it line by line could corrupt it.
    struct NotText: Error, CustomStringConvertible {
        var description: String { "the file is not UTF-8 text; refusing to edit it line by line" }
    }

    /// Changes that matched nothing and are not marked `optional: true`: the file is not what
    /// the author expected, so the step fails before anything is written.
    package struct Unmatched: Error, CustomStringConvertible {
        var path: String
        var changes: [String]
        package var description: String {
            "\(path): \(changes.joined(separator: "; ")) matched nothing (mark the change `optional: true` when that is expected)"
        }
    }

    /// An edit of a `.yaml`/`.yml` file whose result does not parse as one YAML document: the
    /// step fails before the file is written (a service restarted on it would not come back).
    package struct InvalidYAML: Error, CustomStringConvertible {
        var path: String
        var problem: String
        package var description: String { "\(path): the edited file is not valid YAML (\(problem)); nothing was written" }
    }

    /// Whether edits of `path` must leave valid YAML (by its extension).
    package static func isYAML(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }

    /// Why `content` is not one valid YAML document (libyaml's diagnostic, `line:column: message`),
    /// or nil when it is.
    package static func yamlProblem(_ content: String) -> String? {
        do {
            _ = try YAMLParser().parse(Array(content.utf8), file: "")
            return nil
        } catch {
            return error.diagnostics.map { d in
                (d.location.map { "line \($0.line), column \($0.column): " } ?? "") + d.message
            }.joined(separator: "; ")
        }
    }

    package static func apply(_ edits: [FileEdit], optional: Set<Int> = [], path: String, to bytes: [UInt8],
                      context: EvaluationContext, renderer: TemplateRenderer) throws -> [UInt8] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw NotText() }
        let rendered = try RenderedFileEdit.render(edits, in: context)
        let result = try FileEditor.applyReporting(rendered, to: text)
        let missed = result.unmatched.filter { !optional.contains($0) }
        if !missed.isEmpty {
            let shown = try RenderedFileEdit.render(edits, in: context, redacted: true)
            throw Unmatched(path: path, changes: missed.map { shown[$0].summary })
        }
        if isYAML(path), let problem = yamlProblem(result.content) { throw InvalidYAML(path: path, problem: problem) }
        return Array(result.content.utf8)
    }
}
