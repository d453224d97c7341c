/// Applies `edit` changes to a file's bytes for the engine: renders the edits in the step's
/// context (values regex-escaped in patterns, literal in replacements) and applies them with
/// `FileEditor`, the same code `plan` uses for its diffs.
package enum FileEdits {
    /// An edit target that is not UTF-8 text: editing it line by line could corrupt it.
    struct NotText: Error, CustomStringConvertible {
        var description: String { "the file is not UTF-8 text; refusing to edit it line by line" }
    }

    package static func apply(_ edits: [FileEdit], to bytes: [UInt8], context: EvaluationContext,
                      renderer: TemplateRenderer) throws -> [UInt8] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw NotText() }
        let rendered = try RenderedFileEdit.render(edits, in: context)
        return Array(try FileEditor.apply(rendered, to: text).utf8)
    }
}
