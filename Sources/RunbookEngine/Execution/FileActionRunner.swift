import Foundation
import RunbookCore

/// Built-in file actions through the host's transport. Every file is snapshotted (and the
/// snapshot journaled) before it changes, so rollback can put back the exact bytes.
struct FileActionRunner: Sendable {
    var runner: InstanceRunner
    var transport: any Transport
    var commands: CommandRunner

    private var env: ExecutionEnvironment { runner.env }

    func perform(_ action: FileAction, context: EvaluationContext) async -> ActionOutcome {
        do {
            return try await performThrowing(action, context: context)
        } catch let halt as Halted {
            _ = halt
            return .halted
        } catch {
            return .failed("\(action.keyword): \(error)", nil)
        }
    }

    /// Thrown when the journal refused an event or the run was interrupted.
    private struct Halted: Error {}

    private func text(_ t: Template, _ context: EvaluationContext) throws -> String {
        try env.render(t, context, .text).text
    }

    private func start(_ description: String) async throws {
        guard await runner.started(command: description) else { throw Halted() }
    }

    private func performThrowing(_ action: FileAction, context: EvaluationContext) async throws -> ActionOutcome {
        switch action {
        case .write(let pathT, let contentT):
            let path = try text(pathT, context)
            let content = try env.render(contentT, context, .text)
            try await start("write \(path)")
            try await snapshot(path)
            try await transport.writeFile(path, contents: Array(content.text.utf8), mode: nil)
        case .copy(let fromT, let toT):
            let from = try text(fromT, context)
            let to = try text(toT, context)
            try await start("copy \(from) \(to)")
            guard let bytes = try await transport.readFile(from) else { return .failed("copy: \(from) does not exist", nil) }
            try await snapshot(to)
            try await transport.writeFile(to, contents: bytes, mode: nil)
        case .move(let fromT, let toT):
            let from = try text(fromT, context)
            let to = try text(toT, context)
            try await start("move \(from) \(to)")
            guard try await transport.readFile(from) != nil else { return .failed("move: \(from) does not exist", nil) }
            try await snapshot(from)
            try await snapshot(to)
            try await transport.moveFile(from: from, to: to)
        case .archive(let pathTs, let toT):
            let to = try text(toT, context)
            let command = try env.resolver.archiveCommand(paths: pathTs, to: toT, in: context)
            try await start(command.redacted)
            try await snapshot(to)
            let attempt = await commands.attempt(command, number: 1, label: "archive")
            if attempt.halted { throw Halted() }
            if !attempt.succeeded { return .failed("archive: \(attempt.reason)", attempt.status) }
        case .fetch(let fromT, let toT, let passphraseT):
            let from = try text(fromT, context)
            // An empty passphrase (an optional secret param left unset) means no encryption.
            let passphrase = try passphraseT.map { try env.render($0, context, .text).text }.flatMap { $0.isEmpty ? nil : $0 }
            let to = try text(toT, context) + (passphrase == nil ? "" : FileAction.encryptedSuffix)
            try await start("fetch \(transport.host.name):\(from) to \(to)" + (passphrase == nil ? "" : " (encrypted)"))
            let local = try env.transports.transport(for: .local)
            do {
                let fetched = try await FetchAction(host: transport, local: local, limit: env.options.fetchLimit)
                    .fetch(from: from, to: to, passphrase: passphrase)
                if fetched.alreadyThere {
                    let note = RunEvent(.note, step: runner.key, host: runner.hostName,
                                        message: "\(to) already holds this fetch (\(fetched.bytes) bytes, sha256 \(fetched.sha256))")
                    guard await env.coordinator.emit(note) else { throw Halted() }
                }
                return .succeeded(fetched.outputs)
            } catch let refused as FetchAction.Refused {
                return .failed("fetch: \(refused)", nil)
            }
        case .edit(let pathT, let edits, let optional):
            let path = try text(pathT, context)
            try await start("edit \(path)")
            guard let bytes = try await transport.readFile(path) else { return .failed("edit: \(path) does not exist", nil) }
            let edited = try FileEdits.apply(edits, optional: optional, path: path, to: bytes, context: context,
                                             renderer: env.renderer)
            try await snapshot(path)
            if edited != bytes { try await transport.writeFile(path, contents: edited, mode: nil) }
        }
        return .succeeded([:])
    }

    /// Saves the file's current bytes (or notes that it does not exist) and journals it.
    private func snapshot(_ path: String) async throws {
        let previous = try await transport.readFile(path)
        var name: String?
        if let previous { name = try await env.outputs.saveSnapshot(previous, step: runner.key, path: path) }
        let event = RunEvent(.fileSnapshot, step: runner.key, host: runner.hostName ?? transport.host.name,
                             path: path, snapshot: name)
        guard await env.coordinator.emit(event) else { throw Halted() }
    }
}
