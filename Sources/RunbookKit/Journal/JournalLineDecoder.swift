import Foundation

/// Reads one journal line back into a `JournalRecord`.
struct JournalLineDecoder {
    private let decoder = JSONDecoder()

    /// The record, or a reason the line is not a journal record.
    func decode(_ line: ArraySlice<UInt8>) -> Result<JournalRecord, LineProblem> {
        let fields: LineFields
        do {
            fields = try decoder.decode(LineFields.self, from: Data(line))
        } catch DecodingError.keyNotFound(let key, _) {
            return .failure(LineProblem("missing field '\(key.stringValue)'"))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return .failure(LineProblem("field '\(path)' has the wrong type"))
        } catch {
            return .failure(LineProblem("not valid JSON"))
        }
        guard let kind = RunEvent.Kind(rawValue: fields.event) else {
            return .failure(LineProblem("unknown event '\(fields.event)'"))
        }
        var status: ExitStatus?
        if let text = fields.status {
            guard let parsed = ExitStatus(journalText: text) else {
                return .failure(LineProblem("unknown exit status '\(text)'"))
            }
            status = parsed
        }
        let event = RunEvent(kind, step: fields.step, host: fields.host, attempt: fields.attempt,
                             command: fields.command, status: status, durationMilliseconds: fields.durationMs,
                             stdout: fields.stdout, stderr: fields.stderr,
                             outputs: fields.outputs?.mapValues(\.value), message: fields.message,
                             path: fields.path, snapshot: fields.snapshot)
        return .success(JournalRecord(version: fields.v, sequence: fields.seq, timestamp: fields.ts, run: fields.run,
                                      operatorName: fields.operator, event: event, previousHash: fields.prev))
    }

    /// Why a line could not be decoded.
    struct LineProblem: Error { var reason: String; init(_ r: String) { reason = r } }

    private struct LineFields: Decodable {
        var v: Int
        var seq: Int
        var ts: String
        var run: String
        var `operator`: String
        var event: String
        var step: String?
        var host: String?
        var attempt: Int?
        var command: String?
        var status: String?
        var durationMs: Int?
        var stdout: OutputDigest?
        var stderr: OutputDigest?
        var outputs: [String: NaturalValue]?
        var message: String?
        var path: String?
        var snapshot: String?
        var prev: String
    }
}

/// A `Value` read from plain JSON (`"x"`, `3`, `true`, `[…]`, `{…}`, `null`).
struct NaturalValue: Decodable {
    var value: Value
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let i = try? c.decode(Int.self) { value = .int(i) }
        else if let s = try? c.decode(String.self) { value = .string(s) }
        else if let l = try? c.decode([NaturalValue].self) { value = .list(l.map(\.value)) }
        else { value = .map(try c.decode([String: NaturalValue].self).mapValues(\.value)) }
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
