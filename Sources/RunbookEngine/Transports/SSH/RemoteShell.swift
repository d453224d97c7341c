import RunbookCore

/// Builds the shell text `SSHTransport` sends: every value single-quoted, the user's command
/// wrapped so the remote side reports the process group it runs in.
package enum RemoteShell {
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
    /// (same pid, same group, whatever the login shell is), records that group id in
    /// `/tmp/runbook-<token>.pgid` and on stderr, exports the request's variables and runs the
    /// command. Under `become` the group is read inside sudo, which may put the command in a
    /// group of its own. If `killGroup` already ran for this token (a timeout or interrupt that
    /// came while the connection was still being set up), the wrapper exits without running
    /// the command: writing its own file first and then looking for the other's means one of
    /// the two always sees the other.
    static func wrap(_ command: String, environment: [String: String], become: Bool, token: String) -> String {
        var inner = #"g=$$; { read -r _ _ _ _ g _ < /proc/$$/stat; } 2>/dev/null; "#
        inner += #"t=/tmp/runbook-\#(token); echo "$g" 2>/dev/null > "$t.pgid"; "#
        inner += #"if [ -e "$t.cancel" ]; then rm -f "$t.pgid" "$t.cancel"; exit 143; fi; "#
        inner += #"echo "\#(pgidMarker)$g" >&2; "#
        for key in environment.keys.sorted() {
            inner += "export \(key)=\(quote(environment[key] ?? "")); "
        }
        // Not `exec`: the wrapper stays to remove its file and to say when 255 is the command's
        // own status, which ssh also uses for a lost connection.
        inner += #"/bin/sh -c "$1"; s=$?; rm -f "$t.pgid"; "#
        inner += #"[ $s -ne 255 ] || printf '\#(exit255Marker)\n' >&2; exit $s"#
        let sudo = become ? "sudo -n " : ""
        return "exec \(sudo)/bin/sh -c \(quote(inner)) runbook \(quote(command))"
    }

    /// Ends the command started with `token`: marks it cancelled (so it never starts if it has
    /// not yet), then SIGTERM to its process group, up to `grace` for it to go, then SIGKILL.
    /// `knownGroup` (from the stderr marker) is used when the group file cannot be read.
    static func killGroup(token: String, knownGroup: Int32?, grace: TimeSpan, become: Bool) -> String {
        let tenths = max(1, grace.milliseconds / 100)
        let fallback = knownGroup.map(String.init) ?? ""
        let script = """
            t=/tmp/runbook-\(token); : > "$t.cancel"; g=$(cat "$t.pgid" 2>/dev/null); g=${g:-\(fallback)}; \
            if [ -n "$g" ]; then kill -TERM -$g 2>/dev/null || kill -TERM $g 2>/dev/null; i=0; \
            while kill -0 -$g 2>/dev/null && [ $i -lt \(tenths) ]; do sleep 0.1; i=$((i+1)); done; \
            kill -KILL -$g 2>/dev/null; rm -f "$t.pgid" "$t.cancel"; fi; exit 0
            """
        return "exec \(become ? "sudo -n " : "")/bin/sh -c \(quote(script))"
    }

    /// The remote file holding the process group of the command started with `token`.
    static func groupFile(token: String) -> String { "/tmp/runbook-\(token).pgid" }

    /// The token in a name made by `groupFile(token:)`; nil for anything else (the name comes
    /// from a journal and ends up in shell text: only the exact shape is accepted).
    static func token(ofGroupFile file: String) -> String? {
        guard file.hasPrefix("/tmp/runbook-"), file.hasSuffix(".pgid") else { return nil }
        let token = file.dropFirst("/tmp/runbook-".count).dropLast(".pgid".count)
        guard token.count == 32, token.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return String(token)
    }

    /// A fresh random token naming one remote command's files.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Whether `name` can be exported by a POSIX shell.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
