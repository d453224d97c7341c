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

    /// The remote wrapper's gate: one line, which must be `go` (`ChildProcess.gateLine`).
    /// `read` takes exactly that line, so the command gets the rest of stdin untouched.
    static let gate = #"IFS= read -r g && [ "$g" = go ] || exit 125; "#

    /// The remote command line for `command` (already rendered shell text).
    ///
    /// sshd starts the login shell as a session and group leader; the wrapper `exec`s `/bin/sh`
    /// (same pid, same group, whatever the login shell is) with `runbook-<token>` as its `$0`,
    /// reports its group id on stderr, exports the request's variables and runs the command.
    /// The `$0` is how `killGroup` finds the wrapper (in `/proc/*/cmdline`): no file is written
    /// or removed per command. Under `become` the group is read inside sudo, which may put the
    /// command in a group of its own. If `killGroup` already ran for this token (a timeout or
    /// interrupt that came while the connection was still being set up), the wrapper exits
    /// without running the command: the wrapper is visible in `/proc` before it looks for the
    /// cancel file, and `killGroup` writes that file before it looks in `/proc`, so one of the
    /// two always sees the other.
    ///
    /// `gated`: the wrapper first waits for the gate line (`ChildProcess.gateLine`) on its stdin
    /// and exits 125 without running anything when stdin ends first, as the local gate shell
    /// does: `SSHTransport` spawns `ssh` without that shell (`ChildProcess.gatesItself`) and the
    /// line travels over the connection once the local `ssh`'s identity is journaled.
    static func wrap(_ command: String, environment: [String: String], become: Bool, token: String,
                     gated: Bool = false) -> String {
        var inner = gated ? gate : ""
        inner += #"g=$$; { read -r _ _ _ _ g _ < /proc/$$/stat; } 2>/dev/null; "#
        inner += #"t=/tmp/runbook-\#(token); "#
        inner += #"if [ -e "$t.cancel" ]; then rm -f "$t.cancel"; exit 143; fi; "#
        inner += #"echo "\#(pgidMarker)$g" >&2; "#
        for key in environment.keys.sorted() {
            inner += "export \(key)=\(quote(environment[key] ?? "")); "
        }
        // Not `exec`: the wrapper stays to say when 255 is the command's own status, which ssh
        // also uses for a lost connection.
        inner += #"/bin/sh -c "$1"; s=$?; "#
        inner += #"[ $s -ne 255 ] || printf '\#(exit255Marker)\n' >&2; exit $s"#
        let sudo = become ? "sudo -n " : ""
        return "exec \(sudo)/bin/sh -c \(quote(inner)) \(processTag(token: token)) \(quote(command))"
    }

    /// The wrapper's `$0`: one whole argument in its `/proc/PID/cmdline`.
    static func processTag(token: String) -> String { "runbook-\(token)" }

    /// Ends the command started with `token`: marks it cancelled (so it never starts if it has
    /// not yet), then SIGTERM to its process group, up to `grace` for it to go, then SIGKILL.
    ///
    /// The group is that of the process whose `$0` is `processTag(token:)`, found in
    /// `/proc/*/cmdline` (`grep -z -x`, with a pattern that does not match its own argument);
    /// `knownGroup` (from the stderr marker) when none is found; a `.pgid` file, which runbook
    /// before issue 15 wrote for each command, is still read first.
    static func killGroup(token: String, knownGroup: Int32?, grace: TimeSpan, become: Bool) -> String {
        let tenths = max(1, grace.milliseconds / 100)
        let fallback = knownGroup.map(String.init) ?? ""
        let tag = processTag(token: token)
        let pattern = "\(tag.dropLast())[\(tag.suffix(1))]"
        let script = """
            t=/tmp/runbook-\(token); : > "$t.cancel"; g=$(cat "$t.pgid" 2>/dev/null); \
            [ -n "$g" ] || g=$(grep -lszx '\(pattern)' /proc/[0-9]*/cmdline | while IFS=/ read -r _ _ p _; do \
            { read -r _ _ _ _ q _ < "/proc/$p/stat" && echo "$q"; } 2>/dev/null; done | sort -u); \
            g=${g:-\(fallback)}; \
            if [ -n "$g" ]; then for x in $g; do kill -TERM -$x 2>/dev/null || kill -TERM $x 2>/dev/null; done; i=0; \
            while [ $i -lt \(tenths) ]; do a=; for x in $g; do kill -0 -$x 2>/dev/null && a=1; done; \
            [ -n "$a" ] || break; sleep 0.1; i=$((i+1)); done; \
            for x in $g; do kill -KILL -$x 2>/dev/null; done; rm -f "$t.pgid" "$t.cancel"; fi; exit 0
            """
        return "exec \(become ? "sudo -n " : "")/bin/sh -c \(quote(script))"
    }

    /// The name journaled as `remoteGroupFile` for the command started with `token`: it carries
    /// the token `killGroup` needs. Since issue 15 no such file is written (the wrapper is found
    /// by its `$0`); commands started by an earlier runbook wrote their group there.
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
