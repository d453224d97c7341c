/// Applies `edit` changes to a file's bytes.
///
/// The edit semantics (`FileEditor.apply`) come from the expressions work; until it is merged
/// this bridge refuses, so an `edit` step fails cleanly instead of guessing.
enum FileEdits {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "file edits are not available in this build" }
    }

    static func apply(_ edits: [FileEdit], to bytes: [UInt8], context: EvaluationContext,
                      renderer: TemplateRenderer) throws -> [UInt8] {
        throw Unavailable()
    }
}
