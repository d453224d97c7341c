import Foundation

/// The one rule for colour on every stream `runbook` writes: only on a terminal, never when
/// `NO_COLOR` is set to a non-empty value (no-color.org), never for `TERM=dumb`.
public enum ColourPolicy {
    /// Whether output on file descriptor `fd` may be coloured.
    public static func enabled(on fd: Int32,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        enabled(isTerminal: isatty(fd) == 1, environment: environment)
    }

    /// The same rule when the caller already knows whether the stream is a terminal.
    public static func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return isTerminal && !noColour && environment["TERM"] != "dumb"
    }
}
