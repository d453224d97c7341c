import Foundation
import TestSupport

/// How the crash harnesses (local and team store) kill a process at a random moment.
enum CrashKill {
    /// Kills `child` with SIGKILL at a random moment within `window` seconds (a resume, which has
    /// less left to do, within 0.6 of it), unless it ended first. The first process of a round
    /// is always aimed at, each resume with a probability of 2/3; `window` 0 never kills.
    /// `window` adapts: longer after a kill, shorter when the process ended first, so a slow
    /// start under load does not leave every later kill landing after the exit.
    static func maybe(_ child: RunningCLI, firstProcess: Bool, window: inout Double, floor: Double,
                      random: inout SeededGenerator) async throws {
        guard window > 0, firstProcess || Int.random(in: 0..<3, using: &random) > 0 else { return }
        let span = firstProcess ? window : window * 0.6
        let deadline = Date().addingTimeInterval(Double.random(in: 0...span, using: &random))
        while child.process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
        if child.process.isRunning {
            child.send(SIGKILL)
            window *= 1.05
        } else {
            window = max(floor, window * 0.8)
        }
    }
}
