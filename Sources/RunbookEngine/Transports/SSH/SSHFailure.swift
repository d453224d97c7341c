import RunbookCore

/// Turns `ssh`'s exit status 255 and its stderr into a `TransportError` that says what went
/// wrong and what to check, or nil when 255 is simply the remote command's own exit code.
enum SSHFailure {
    /// - Parameters:
    ///   - stderr: the end of ssh's stderr (the remote command's stderr included).
    ///   - commandStarted: whether the remote wrapper reported its process group.
    ///   - commandExited255: whether the wrapper confirmed the command's own status was 255.
    ///   - outputStarted: whether the remote command printed anything.
    static func classify(stderr: String, commandStarted: Bool, commandExited255: Bool, outputStarted: Bool,
                         target: SSHTarget) -> TransportError? {
        let name = target.hostName
        let detail = lastSSHLine(of: stderr)
        if commandStarted {
            // The wrapper always reports a real 255, so a 255 it did not confirm is ssh's own.
            guard !commandExited255 else { return nil }
            let progress = outputStarted ? "after it had started printing" : "after it had started"
            return TransportError(.connectionLost, host: name, """
                connection to \(target.display) lost while the command was running, \(progress) \
                (\(detail)). The command may or may not have completed on \(name): check the host before resuming.
                """)
        }
        if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return TransportError(.hostKeyMismatch, host: name, """
                the host key of \(target.display) does not match the one in known_hosts \
                (REMOTE HOST IDENTIFICATION HAS CHANGED). If \(name) was reinstalled, verify its new key \
                and remove the old one with `ssh-keygen -R \(target.knownHostsName)`; otherwise the \
                connection may be intercepted. runbook does not connect.
                """)
        }
        if stderr.contains("Host key verification failed") {
            return TransportError(.hostKeyMismatch, host: name, """
                the host key of \(target.display) is not in known_hosts and ssh runs in batch mode, so it \
                cannot ask (Host key verification failed). Verify the key and add it to known_hosts \
                (for example by connecting once by hand).
                """)
        }
        if stderr.contains("Permission denied") || stderr.contains("Too many authentication failures") {
            let key = target.identityFile.map { "the key \($0)" } ?? "the keys from your ssh config and agent"
            return TransportError(.authentication, host: name, """
                authentication failed for \(target.display) (\(detail)). Check the user \
                (ansible_user), \(key) (ansible_ssh_private_key_file) and that its public key is in the \
                remote authorized_keys; ssh runs in batch mode and never asks for a password.
                """)
        }
        if stderr.contains("Could not resolve hostname") || stderr.contains("Name or service not known") {
            return TransportError(.unreachable, host: name, """
                cannot resolve the address of \(name) ('\(target.address)'): \(detail). Check ansible_host \
                in the inventory and DNS.
                """)
        }
        let reason = unreachableMarkers.first(where: stderr.contains) ?? detail
        return TransportError(.unreachable, host: name, """
            cannot reach \(target.display): \(reason). Check that the host is up, sshd listens on \
            port \(target.port.map(String.init) ?? "22 (or the port in your ssh config)") and no firewall is in the way.
            """)
    }

    private static let unreachableMarkers = [
        "Connection refused", "No route to host", "Connection timed out", "Operation timed out",
        "Network is unreachable", "Connection closed by", "Connection reset",
    ]

    /// The last non-empty line ssh wrote, trimmed: the most specific thing it said.
    private static func lastSSHLine(of stderr: String) -> String {
        let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters }
        return lines.last { !$0.isEmpty } ?? "ssh exited with status 255 and no message"
    }
}

private extension Substring {
    var trimmingCharacters: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
