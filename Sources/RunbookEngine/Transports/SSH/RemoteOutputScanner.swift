import RunbookCore

/// Sits between `ssh` and the step's sink and removes the wrapper's two stderr lines (see
/// `RemoteShell.wrap`): the process-group line before the command's output and the line that
/// confirms a real exit status 255 after it. Keeps the end of stderr to explain a failure.
actor RemoteOutputScanner: OutputSink {
    private let downstream: any OutputSink
    /// The remote process group, once the wrapper has reported it.
    private(set) var remoteGroup: Int32?
    /// Whether the remote command wrote anything.
    private(set) var outputStarted = false
    /// Whether the wrapper confirmed that the command itself exited 255.
    private(set) var commandExited255 = false
    /// The last few KiB of stderr, wrapper lines excluded: ssh's own complaints end up here.
    private(set) var stderrTail: [UInt8] = []
    /// Stderr bytes held back: while looking for the group line, or because they may be the
    /// start of the exit-255 line (only a suffix that matches its beginning is ever held).
    private var pending: [UInt8] = []
    private var lookingForGroup = true

    private static let groupMarker = Array(RemoteShell.pgidMarker.utf8)
    private static let exitMarker = Array((RemoteShell.exit255Marker + "\n").utf8)
    private static let tailLimit = 4096
    /// Login scripts may print before the wrapper runs; past this much stderr we stop looking.
    private static let searchLimit = 64 * 1024

    init(forwardingTo downstream: any OutputSink) {
        self.downstream = downstream
    }

    func processStarted(_ identity: ProcessIdentity?) async -> Bool {
        await downstream.processStarted(identity)
    }

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        switch stream {
        case .stdout:
            if remoteGroup != nil { outputStarted = true }
            await downstream.write(bytes, to: .stdout)
        case .stderr:
            pending += bytes
            if lookingForGroup { await seekGroup() }
            if !lookingForGroup { await forwardAllButPossibleMarker() }
        }
    }

    /// Call once ssh has exited: decides whether held-back bytes were the exit-255 line.
    func finish(status: ExitStatus) async {
        if !lookingForGroup, status == .exited(255), pending == Self.exitMarker {
            commandExited255 = true
        } else if !pending.isEmpty {
            await forward(pending)
        }
        pending = []
    }

    /// Text of the last stderr lines, for error messages.
    var stderrText: String { String(decoding: stderrTail, as: UTF8.self) }

    private func seekGroup() async {
        while lookingForGroup, let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.starts(with: Self.groupMarker),
               let group = Int32(String(decoding: line.dropFirst(Self.groupMarker.count), as: UTF8.self)) {
                remoteGroup = group
                lookingForGroup = false
            } else {
                await forward(line + [UInt8(ascii: "\n")])
            }
        }
        if pending.count > Self.searchLimit { lookingForGroup = false }
    }

    private func forwardAllButPossibleMarker() async {
        let held = Self.markerPrefixLength(atEndOf: pending)
        let ready = Array(pending.dropLast(held))
        pending = Array(pending.suffix(held))
        if !ready.isEmpty {
            if remoteGroup != nil { outputStarted = true }
            await forward(ready)
        }
    }

    /// Length of the longest suffix of `bytes` that is a prefix of the exit-255 line.
    private static func markerPrefixLength(atEndOf bytes: [UInt8]) -> Int {
        for length in stride(from: min(exitMarker.count, bytes.count), to: 0, by: -1)
        where bytes.suffix(length).elementsEqual(exitMarker.prefix(length)) {
            return length
        }
        return 0
    }

    private func forward(_ bytes: [UInt8]) async {
        stderrTail += bytes
        if stderrTail.count > Self.tailLimit { stderrTail.removeFirst(stderrTail.count - Self.tailLimit) }
        await downstream.write(bytes, to: .stderr)
    }
}
