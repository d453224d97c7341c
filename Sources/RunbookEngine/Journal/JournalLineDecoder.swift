import RunbookYAML
import RunbookCore

/// Reads one journal line back into a `JournalRecord`.
struct JournalLineDecoder {
    /// Why a line could not be decoded.
    struct LineProblem: Error { var reason: String; init(_ r: String) { reason = r } }

    /// The record, or a reason the line is not a journal record. Unknown keys are ignored
    /// (a later format version may add fields; `v` says which).
    func decode(_ line: ArraySlice<UInt8>) -> Result<JournalRecord, LineProblem> {
        var f = Fields()
        var scanner = JSONScanner(line)
        do {
            try scanner.object { s, key in
                do {
                    try f.read(key, from: &s)
                } catch let failure as JSONScanner.Failure where failure.reason == "wrong type" {
                    throw LineProblem("field '\(key)' has the wrong type")
                }
            }
            try scanner.end()
        } catch let problem as LineProblem {
            return .failure(problem)
        } catch {
            return .failure(LineProblem("not valid JSON"))
        }
        guard let v = f.v, let seq = f.seq, let ts = f.ts, let run = f.run, let op = f.operatorName,
              let eventName = f.event, let prev = f.prev else {
            let present = [("v", f.v != nil), ("seq", f.seq != nil), ("ts", f.ts != nil), ("run", f.run != nil),
                           ("operator", f.operatorName != nil), ("event", f.event != nil), ("prev", f.prev != nil)]
            let name = present.first { !$0.1 }?.0 ?? "?"
            return .failure(LineProblem("missing field '\(name)'"))
        }
        guard let kind = RunEvent.Kind(rawValue: eventName) else {
            return .failure(LineProblem("unknown event '\(eventName)'"))
        }
        var status: ExitStatus?
        if let text = f.status {
            guard let parsed = ExitStatus(journalText: text) else {
                return .failure(LineProblem("unknown exit status '\(text)'"))
            }
            status = parsed
        }
        let event = RunEvent(kind, step: f.step, host: f.host, attempt: f.attempt, command: f.command, status: status,
                             durationMilliseconds: f.durationMs, stdout: f.stdout, stderr: f.stderr, outputs: f.outputs,
                             message: f.message, path: f.path, snapshot: f.snapshot, files: f.files, process: f.process)
        return .success(JournalRecord(version: v, sequence: seq, timestamp: ts, run: run, operatorName: op,
                                      event: event, previousHash: prev))
    }

    /// The fields of one line as they are read.
    private struct Fields {
        var v, seq, attempt, durationMs: Int?
        var ts, run, operatorName, event, step, host, command, status, message, path, snapshot, prev: String?
        var stdout, stderr: OutputDigest?
        var outputs: [String: Value]?
        var files: [String: String]?
        var process: ProcessIdentity?

        mutating func read(_ key: String, from s: inout JSONScanner) throws {
            switch key {
            case "v": v = try s.int()
            case "seq": seq = try s.int()
            case "attempt": attempt = try s.int()
            case "durationMs": durationMs = try s.int()
            case "ts": ts = try text(&s)
            case "run": run = try text(&s)
            case "operator": operatorName = try text(&s)
            case "event": event = try text(&s)
            case "step": step = try text(&s)
            case "host": host = try text(&s)
            case "command": command = try text(&s)
            case "status": status = try text(&s)
            case "message": message = try text(&s)
            case "path": path = try text(&s)
            case "snapshot": snapshot = try text(&s)
            case "prev": prev = try text(&s)
            case "stdout": stdout = try digest(&s)
            case "stderr": stderr = try digest(&s)
            case "process": process = try identity(&s)
            case "outputs":
                guard case .map(let m) = try s.value() else { throw JSONScanner.Failure(reason: "wrong type") }
                outputs = m
            case "files":
                guard case .map(let m) = try s.value() else { throw JSONScanner.Failure(reason: "wrong type") }
                var digests: [String: String] = [:]
                for (name, value) in m {
                    guard case .string(let digest) = value else { throw JSONScanner.Failure(reason: "wrong type") }
                    digests[name] = digest
                }
                files = digests
            default: _ = try s.value()
            }
        }

        private func text(_ s: inout JSONScanner) throws -> String {
            guard case .string(let t) = try s.value() else { throw JSONScanner.Failure(reason: "wrong type") }
            return t
        }

        private func identity(_ s: inout JSONScanner) throws -> ProcessIdentity {
            var pid, group: Int?
            var start, boot, remote: String?
            try s.object { inner, key in
                switch key {
                case "pid": pid = try inner.int()
                case "group": group = try inner.int()
                case "start": start = try text(&inner)
                case "boot": boot = try text(&inner)
                case "remoteGroupFile": remote = try text(&inner)
                default: _ = try inner.value()
                }
            }
            guard let pid, let group, let pid32 = Int32(exactly: pid), let group32 = Int32(exactly: group),
                  let startTime = start.flatMap(UInt64.init) else { throw JSONScanner.Failure(reason: "wrong type") }
            return ProcessIdentity(pid: pid32, group: group32, startTime: startTime, boot: boot, remoteGroupFile: remote)
        }

        private func digest(_ s: inout JSONScanner) throws -> OutputDigest {
            var bytes: Int?
            var sha: String?
            var file: String?
            try s.object { inner, key in
                switch key {
                case "bytes": bytes = try inner.int()
                case "sha256": sha = try text(&inner)
                case "file": file = try text(&inner)
                default: _ = try inner.value()
                }
            }
            guard let bytes, let sha else { throw JSONScanner.Failure(reason: "wrong type") }
            return OutputDigest(bytes: bytes, sha256: sha, file: file)
        }
    }
}

extension ExitStatus {
    /// Parses the journal's spelling, which is `description`: `exit 0`, `killed by signal 9`,
    /// `timed out`, `interrupted`.
    init?(journalText text: String) {
        if text == "timed out" { self = .timedOut; return }
        if text == "interrupted" { self = .interrupted; return }
        if text.hasPrefix("exit "), let code = Int32(text.dropFirst(5)) { self = .exited(code); return }
        if text.hasPrefix("killed by signal "), let sig = Int32(text.dropFirst(17)) { self = .signaled(sig); return }
        return nil
    }
}
