import RunbookCore

/// File actions over ssh, with the same meaning as `LocalTransport`'s: read (nil when
/// missing), atomic write keeping the mode and owner, rename, idempotent remove.
extension SSHTransport {
    /// The file's bytes, or nil when it does not exist on the host.
    /// - Throws: `TransportError(.fileError)` with the remote reason, or a connection error.
    public func readFile(_ path: String) async throws -> [UInt8]? {
        let p = RemoteShell.quote(path)
        let script = """
            [ -e \(p) ] || exit \(Self.missingFileStatus)
            [ -d \(p) ] && { echo "it is a directory" >&2; exit 1; }
            exec cat -- \(p)
            """
        let output = try await execute(script)
        if output.status == .exited(Self.missingFileStatus) { return nil }
        try output.check("cannot read '\(path)'", host: host.name)
        return output.stdout
    }

    /// Writes through a temporary file in the same remote directory, flushed to disk, then
    /// renamed over `path`. An existing file keeps its mode and owner; a new one gets `mode` or 0644.
    /// - Throws: `TransportError(.fileError)` with the remote reason, or a connection error.
    public func writeFile(_ path: String, contents: [UInt8], mode: UInt16?) async throws {
        let p = RemoteShell.quote(path)
        let newMode = String(mode ?? 0o644, radix: 8)
        let script = """
            d=$(dirname -- \(p)) && b=$(basename -- \(p)) || exit 1
            t=$(mktemp "$d/.$b.runbook-XXXXXX") || exit 1
            trap 'rm -f -- "$t"' EXIT
            if [ -e \(p) ]; then
              m=$(stat -c %a -- \(p)) || exit 1
              chown "$(stat -c %u:%g -- \(p))" "$t" 2>/dev/null
            else
              m=\(newMode)
            fi
            cat > "$t" || exit 1
            dd if=/dev/null of="$t" conv=notrunc,fsync 2>/dev/null
            chmod "$m" "$t" && mv -f -- "$t" \(p)
            """
        try await execute(script, stdin: contents).check("cannot write '\(path)'", host: host.name)
    }

    /// Renames `from` to `to` on the host; the destination's directory must already exist.
    /// - Throws: `TransportError(.fileError)` with the remote reason, or a connection error.
    public func moveFile(from: String, to: String) async throws {
        let (a, b) = (RemoteShell.quote(from), RemoteShell.quote(to))
        let script = """
            [ -d \(b) ] && { echo "the destination is a directory" >&2; exit 1; }
            exec mv -f -- \(a) \(b)
            """
        try await execute(script).check("cannot move '\(from)' to '\(to)'", host: host.name)
    }

    /// Removes the file on the host; a file that is already gone is not an error.
    /// - Throws: `TransportError(.fileError)` with the remote reason, or a connection error.
    public func removeFile(_ path: String) async throws {
        try await execute("exec rm -f -- \(RemoteShell.quote(path))")
            .check("cannot remove '\(path)'", host: host.name)
    }

    /// Exit status the read script uses for "no such file"; unlikely to come from `cat` itself.
    static let missingFileStatus: Int32 = 44

    /// Runs a file-action script (under `become` when the host asks for it), keeping its output.
    private func execute(_ script: String, stdin: [UInt8]? = nil) async throws -> CollectedOutput {
        let collector = OutputCollector()
        let result = try await run(CommandRequest(command: script, stdin: stdin), sink: collector)
        return await CollectedOutput(status: result.status, stdout: collector.stdout,
                                     stderr: String(decoding: collector.stderr, as: UTF8.self))
    }
}

/// Everything a file-action script printed.
struct CollectedOutput: Sendable {
    var status: ExitStatus
    var stdout: [UInt8]
    var stderr: String

    /// Throws `.fileError` with the script's stderr unless it exited 0.
    func check(_ what: String, host: String) throws(TransportError) {
        guard status != .exited(0) else { return }
        let reason = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? status.description
        throw TransportError(.fileError, host: host, "\(what) on \(host): \(reason)")
    }
}

/// Keeps a file action's output in memory (file contents are read whole anyway).
actor OutputCollector: OutputSink {
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        switch stream {
        case .stdout: stdout += bytes
        case .stderr: stderr += bytes
        }
    }
}
