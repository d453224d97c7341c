import RunbookCore

/// `confirm`: asks the operator (or approves with `--yes`) and journals question and answer.
struct ConfirmAction: Sendable {
    var runner: InstanceRunner
    var context: EvaluationContext

    func run(_ confirmation: Confirmation) async -> ActionOutcome {
        let env = runner.env
        let coordinator = env.coordinator
        let prompt: TemplateRenderer.Rendered
        let answer: TemplateRenderer.Rendered
        do {
            prompt = try env.render(confirmation.prompt, context, .text)
            answer = try env.render(confirmation.answer, context, .text)
        } catch {
            guard await runner.started() else { return .halted }
            return .failed(error.description, nil)
        }
        guard await runner.started(command: "confirm: \(prompt.redacted)"),
            await coordinator.emit(RunEvent(.confirmAsked, step: runner.key, host: runner.hostName,
                                            message: "\(prompt.redacted) (expects '\(answer.redacted)')"))
        else { return .halted }

        let reply: ApprovalAnswer = env.options.assumeYes
            ? .approved(by: "--yes")
            // The terminal is a sink like any other: the operator sees the prompt with secrets masked.
            : await env.approver.confirm(step: runner.key, prompt: prompt.redacted, expected: answer.text,
                                         shown: answer.redacted)
        let message: String
        switch reply {
        case .approved(let how): message = "approved by \(how)"
        case .refused: message = "refused: the answer was not '\(answer.redacted)'"
        case .unavailable(let why): message = "no answer: \(why)"
        }
        guard await coordinator.emit(RunEvent(.confirmAnswered, step: runner.key, host: runner.hostName,
                                              message: message))
        else { return .halted }
        if case .approved = reply { return .succeeded([:]) }
        // Not a failure: nothing was changed, so the run stops where it is and `resume` asks again.
        await coordinator.interrupt(step: runner.key, reason: "confirmation \(message)")
        return .halted
    }
}
