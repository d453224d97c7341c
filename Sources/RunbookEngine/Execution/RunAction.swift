import RunbookCore

/// `run`, `check` and `wait`: commands with retries, polls, expectations, verify and captures.
struct RunAction: Sendable {
    var runner: InstanceRunner
    var commands: CommandRunner
    var context: EvaluationContext
    var env: ExecutionEnvironment { runner.env }

    /// One try: the attempt and, when it did not do what was required, why.
    struct Try: Sendable {
        var attempt: CommandRunner.Attempt
        var failure: String?
        var ok: Bool { failure == nil && !attempt.halted }
    }

    func run(_ template: Template) async -> ActionOutcome {
        let command: TemplateRenderer.Rendered
        do { command = try env.render(template, context, .shell) } catch { return await failAtStart(error.description) }
        guard await runner.started(command: command.redacted, waiting: false) else { return .halted }
        var number = 0
        let result = await retrying {
            number += 1
            let attempt = await commands.attempt(command, number: number, label: "run")
            return Try(attempt: attempt, failure: attempt.succeeded ? nil : attempt.reason)
        }
        if result.attempt.halted { return .halted }
        if let failure = result.failure { return .failed(failure, result.attempt.status) }
        if let failed = await verifying(after: &number) { return failed }
        switch Captures.extract(runner.step.capture, from: result.attempt.output) {
        case .success(let outputs): return .succeeded(outputs)
        case .failure(let error): return .failed(error.message, result.attempt.status)
        }
    }

    /// The step's `verify`, polled when it has a timeout; nil when it holds (or there is none),
    /// else the outcome to end the instance with. `run` and file actions both end with it: the
    /// plan shows a verify wherever the step has one, so it must run wherever the plan shows it.
    func verifying(after number: inout Int) async -> ActionOutcome? {
        guard let verify = runner.step.verify else { return nil }
        let verified = await poll(verify, label: "verify", firstNumber: &number)
        if verified.attempt.halted { return .halted }
        if let failure = verified.failure { return .failed("verify: \(failure)", verified.attempt.status) }
        return nil
    }

    func check(_ condition: Condition) async -> ActionOutcome {
        let command: TemplateRenderer.Rendered
        do { command = try env.render(condition.command, context, .shell) } catch {
            return await failAtStart(error.description)
        }
        guard await runner.started(command: command.redacted, waiting: false) else { return .halted }
        var number = 0
        let result = await retrying {
            number += 1
            return await evaluate(condition, command: command, number: number, label: "check")
        }
        if result.attempt.halted { return .halted }
        if let failure = result.failure { return .failed("check failed: \(failure)", result.attempt.status) }
        return capturing(result)
    }

    func wait(_ condition: Condition) async -> ActionOutcome {
        var waited = condition
        if waited.timeout == nil { waited.timeout = env.options.defaultWaitTimeout }
        let command: String
        do { command = try env.render(condition.command, context, .shell).redacted } catch {
            return await failAtStart(error.description)
        }
        guard await runner.started(command: command, waiting: false) else { return .halted }
        var number = 0
        let result = await poll(waited, label: "wait", firstNumber: &number)
        if result.attempt.halted { return .halted }
        if let failure = result.failure { return .failed(failure, result.attempt.status) }
        return capturing(result)
    }

    private func capturing(_ result: Try) -> ActionOutcome {
        switch Captures.extract(runner.step.capture, from: result.attempt.output) {
        case .success(let outputs): .succeeded(outputs)
        case .failure(let error): .failed(error.message, result.attempt.status)
        }
    }

    /// Runs the condition until it holds or its timeout passes (once when it has no timeout).
    func poll(_ condition: Condition, label: String, firstNumber number: inout Int) async -> Try {
        let command: TemplateRenderer.Rendered
        do { command = try env.render(condition.command, context, .shell) } catch {
            return Try(attempt: .init(output: .init(), halted: false), failure: error.description)
        }
        let clock = env.options.clock
        let start = clock.now()
        let interval = (condition.interval ?? .seconds(5)).duration
        while true {
            number += 1
            let result = await evaluate(condition, command: command, number: number, label: label)
            if result.ok || result.attempt.halted { return result }
            guard let timeout = condition.timeout else { return result }
            if clock.now() - start + interval > timeout.duration {
                return Try(attempt: result.attempt,
                           failure: "\(label) did not hold within \(timeout): \(result.failure ?? "")")
            }
            do { try await clock.sleep(for: interval) } catch {
                return Try(attempt: .init(status: .interrupted, output: .init(), halted: true), failure: "interrupted")
            }
        }
    }

    /// Runs the condition's command once and checks its expectation.
    func evaluate(_ condition: Condition, command: TemplateRenderer.Rendered, number: Int, label: String) async -> Try {
        let attempt = await commands.attempt(command, number: number, label: label)
        guard !attempt.halted else { return Try(attempt: attempt, failure: "interrupted") }
        guard let status = attempt.status, attempt.failure == nil else { return Try(attempt: attempt, failure: attempt.reason) }
        var failure = ExpectationCheck(renderer: env.renderer, context: context)
            .failure(of: condition.expect, status: status, output: attempt.output)
        // A check that exits non-zero usually says why on stderr (a refusing precondition):
        // the operator must see it, as for a failed `run`, not just "exit 1".
        let expected = condition.expect.exit
        if failure != nil, status != .exited(Int32(clamping: expected)) {
            failure = expected == 0 ? attempt.reason : "expected exit \(expected), got \(attempt.reason)"
        }
        return Try(attempt: attempt, failure: failure)
    }

    /// Tries `body` up to the step's `retries.attempts` times, sleeping `delay × backoff^n` between tries.
    func retrying(_ body: () async -> Try) async -> Try {
        let retries = runner.step.retries ?? Retries(attempts: 1)
        var delay = Double(retries.delay.milliseconds)
        var tried = 1
        while true {
            let result = await body()
            if result.ok || result.attempt.halted || tried >= retries.attempts { return result }
            do { try await env.options.clock.sleep(for: .milliseconds(Int(delay))) } catch {
                return Try(attempt: .init(status: .interrupted, output: .init(), halted: true), failure: "interrupted")
            }
            delay *= retries.backoff
            tried += 1
        }
    }

    private func failAtStart(_ reason: String) async -> ActionOutcome {
        guard await runner.started() else { return .halted }
        return .failed(reason, nil)
    }
}
