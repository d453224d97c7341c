import RunbookCore

/// On resume, a step that was in flight when the run stopped, is not idempotent and has a
/// `verify`: its verify runs once, read-only, to learn whether the step took effect.
///
/// (The resume planner removes instances it decided to re-run and marks skipped ones; an
/// instance still in flight when the engine starts is one whose verify decides.)
struct ResumeProbe: Sendable {
    var runner: InstanceRunner
    var commands: CommandRunner
    var context: EvaluationContext

    /// True when the verify holds now: the step is then recorded as succeeded without running again.
    func stepTookEffect() async -> Bool {
        guard let verify = runner.step.verify else { return false }
        let action = RunAction(runner: runner, commands: commands, context: context)
        guard let command = try? runner.env.render(verify.command, context, .shell) else { return false }
        let result = await action.evaluate(verify, command: command, number: 0, label: "resume-probe")
        return result.ok
    }
}
