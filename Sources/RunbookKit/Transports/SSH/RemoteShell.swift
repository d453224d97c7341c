/// Builds the shell text `SSHTransport` sends: every value single-quoted, the user's command
/// wrapped so the remote side reports the process group it runs in.
enum RemoteShell {
    /// `'text'` with each `'` written as `'\''`: safe for any bytes in any POSIX shell.
    static func quote(_ text: String) -> String {
        var quoted = "'"
        for character in text {
            if character == "'" { quoted += #"'\''"# } else { quoted.append(character) }
        }
        return quoted + "'"
    }

    /// First stderr line of every wrapped command: `@runbook-pgid <n>`.
    static let pgidMarker = "@runbook-pgid "

    /// Last stderr bytes of a command that exited 255 by itself (not through a dropped connection).
    static let exit255Marker = "@runbook-exit-255"

    /// The remote command line for `command` (already rendered shell text).
    ///
    /// sshd starts the login shell as a session and group leader; the wrapper `exec`s `/bin/sh`
    /// (same pid, same group, whatever the login shell is), prints that group id on stderr,
    /// exports the request's variables and runs the command. Under `become` the group is read
    /// inside sudo, which may put the command in a group of its own.
    static func wrap(_ command: String, environment: [String: String], become: Bool) -> String {
        var inner = #"g=$$; { read -r _ _ _ _ g _ < /proc/$$/stat; } 2>/dev/null; "#
        inner += #"echo "\#(pgidMarker)$g" >&2; "#
        for key in environment.keys.sorted() {
            inner += "export \(key)=\(quote(environment[key] ?? "")); "
        }
        // Not `exec`: the wrapper stays to say when 255 is the command's own status, which ssh
        // also uses for a lost connection.
        inner += #"/bin/sh -c "$1"; s=$?; [ $s -ne 255 ] || printf '\#(exit255Marker)\n' >&2; exit $s"#
        let sudo = become ? "sudo -n " : ""
        return "exec \(sudo)/bin/sh -c \(quote(inner)) runbook \(quote(command))"
    }

    /// Ends the remote process group `pgid`: SIGTERM, up to `grace` for it to go, then SIGKILL.
    static func killGroup(_ pgid: Int32, grace: TimeSpan, become: Bool) -> String {
        let tenths = max(1, grace.milliseconds / 100)
        let script = """
            g=\(pgid); kill -TERM -$g 2>/dev/null || kill -TERM $g 2>/dev/null; i=0; \
            while kill -0 -$g 2>/dev/null && [ $i -lt \(tenths) ]; do sleep 0.1; i=$((i+1)); done; \
            kill -KILL -$g 2>/dev/null; exit 0
            """
        return "exec \(become ? "sudo -n " : "")/bin/sh -c \(quote(script))"
    }

    /// Whether `name` can be exported by a POSIX shell.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
