import RunbookCore

/// A file action written as a rollback: done directly, without snapshots (nothing rolls back a rollback).
struct RollbackFileAction: Sendable {
    var env: ExecutionEnvironment
    var transport: any Transport
    var commands: CommandRunner

    /// nil on success, else why it failed.
    func perform(_ action: FileAction, context: EvaluationContext) async -> String? {
        do {
            switch action {
            case .write(let path, let content):
                try await transport.writeFile(try text(path, context), contents: Array(try text(content, context).utf8),
                                              mode: nil)
            case .copy(let fromT, let toT):
                let from = try text(fromT, context)
                guard let bytes = try await transport.readFile(from) else { return "copy: \(from) does not exist" }
                try await transport.writeFile(try text(toT, context), contents: bytes, mode: nil)
            case .move(let from, let to):
                try await transport.moveFile(from: try text(from, context), to: try text(to, context))
            case .archive(let pathTs, let toT):
                let command = try env.resolver.archiveCommand(paths: pathTs, to: toT, in: context)
                let attempt = await commands.attempt(command, number: 1, label: "rollback")
                if !attempt.succeeded { return "archive: \(attempt.reason)" }
            case .fetch:
                // The loader refuses a fetch as a rollback item; a hand-built one is refused here too.
                return "fetch: a rollback cannot fetch a file"
            case .edit(let pathT, let edits, let optional):
                let path = try text(pathT, context)
                guard let bytes = try await transport.readFile(path) else { return "edit: \(path) does not exist" }
                let edited = try FileEdits.apply(edits, optional: optional, path: path, to: bytes, context: context,
                                                 renderer: env.renderer)
                try await transport.writeFile(path, contents: edited, mode: nil)
            }
        } catch {
            return "\(action.keyword): \(error)"
        }
        return nil
    }

    private func text(_ t: Template, _ context: EvaluationContext) throws -> String {
        try env.render(t, context, .text).text
    }
}
