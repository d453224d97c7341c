import Foundation
import enum RunbookCore.OutputStream
import RunbookCore

/// Runs one command attempt of a step instance on its transport and journals it.
struct CommandRunner: Sendable {
    var env: ExecutionEnvironment
    var key: String
    var host: String?
    var transport: any Transport
    var timeout: TimeSpan?

    /// The result of one attempt.
    struct Attempt: Sendable {
        /// nil when the command could not be started (`failure` says why).
        var status: ExitStatus?
        var output: CapturedOutput
        var failure: String?
        /// True when the run must stop now (interrupted, or the journal refused an event).
        var halted: Bool
        /// Secret values in the command: never repeated in `reason` (a command may echo its arguments).
        var secrets: [String] = []

        /// The command exited 0 and everything it printed was saved.
        var succeeded: Bool { status?.succeeded == true && failure == nil }
        /// One line saying why the attempt did not succeed.
        var reason: String {
            if let failure { return failure }
            guard let status else { return "did not run" }
            var text = "\(status)"
            let tail = output.stderrText.split(separator: "\n").last.map(String.init) ?? ""
            if !tail.isEmpty { text += ": \(tail)" }
            for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "***") }
            return text
        }
    }

    /// Runs `command` once as attempt `number`; `label` names what it is (`run`, `check`, `verify`, `rollback`).
    func attempt(_ command: TemplateRenderer.Rendered, number: Int, label: String) async -> Attempt {
        let coordinator = env.coordinator
        guard !Task.isCancelled else { return Attempt(status: .interrupted, output: .init(), halted: true) }
        let startEvent = RunEvent(.attemptStarted, step: key, host: host, attempt: number, command: command.redacted,
                                  message: label)
        guard await coordinator.emit(startEvent) else { return Attempt(output: .init(), halted: true) }
        // A transport that cannot hold the command at a gate runs it at once: wait here.
        if !transport.gatesCommands, !(await coordinator.readyForCommand(key)) {
            return Attempt(output: .init(), halted: true)
        }
        let sink: any AttemptOutput
        do {
            sink = try await env.outputs.makeSink(step: key, attempt: number, label: label)
        } catch {
            let reason = "cannot store output: \(error)"
            await coordinator.emit(RunEvent(.attemptFinished, step: key, host: host, attempt: number, message: reason))
            return Attempt(output: .init(), failure: reason, halted: false)
        }
        let tee = ProgressTee(sink: sink, reporter: env.reporter, step: key) { [key, host] identity in
            // Written (not fsynced: a power cut ends the process too) before the command runs.
            if let identity {
                guard await coordinator.emit(RunEvent(.attemptProcess, step: key, host: host, attempt: number,
                                                      message: label, process: identity))
                else { return false }
            }
            return await coordinator.readyForCommand(key)
        }
        let request = CommandRequest(command: command.text, timeout: timeout, gracePeriod: env.options.gracePeriod)
        var status: ExitStatus?
        var failure: String?
        var duration: TimeSpan?
        do {
            let result = try await transport.run(request, sink: tee)
            status = result.status
            duration = result.duration
        } catch {
            failure = "\(error)"
        }
        if Task.isCancelled, status != nil, status?.succeeded != true { status = .interrupted }
        let output: CapturedOutput
        do {
            output = try await sink.finish()
        } catch {
            // Never a silent success: output that was not kept cannot be audited or captured.
            output = CapturedOutput()
            failure = failure ?? "its output could not be saved in the run directory: \(error)"
        }
        let finished = RunEvent(.attemptFinished, step: key, host: host, attempt: number, status: status,
                                durationMilliseconds: duration?.milliseconds, stdout: output.stdout,
                                stderr: output.stderr, message: failure)
        let recorded = await coordinator.emit(finished)
        return Attempt(status: status, output: output, failure: failure,
                       halted: !recorded || status == .interrupted, secrets: command.secrets)
    }
}

/// Passes output to the attempt's store and to the progress view.
struct ProgressTee: OutputSink {
    var sink: any AttemptOutput
    var reporter: any ProgressReporter
    var step: String
    /// Journals the attempt's process before it runs the command; false when it must not run.
    var started: @Sendable (ProcessIdentity?) async -> Bool

    func processStarted(_ identity: ProcessIdentity?) async -> Bool {
        await started(identity)
    }

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        await sink.write(bytes, to: stream)
        await reporter.output(step: step, stream: stream, bytes: bytes)
    }
}
