import Foundation

/// How a run's files (setup files, outputs, snapshots) are laid out in the team store.
///
/// etcd refuses a request larger than its `--max-request-bytes` (1.5 MiB by default) and its
/// client a message over 2 MiB, so a file is never put whole when it is larger than `partSize`:
/// its bytes go in parts (`PREFIX/runs/RUN/parts/FILE/000000`, …), each in a transaction of its
/// own sent before the journal line that names the file. A file past the run's cap is not put at
/// all: a small record (`PREFIX/runs/RUN/elsewhere/FILE`) says which machine and path keep it,
/// so `status` and `audit verify` on another machine can say where the bytes are.
enum EtcdRunFiles {
    /// The largest value put in one key, well under etcd's default request limit.
    static let partSize = 1 << 20

    /// The operations that store `bytes` as the run's file `relative`: one put for a small file
    /// (it can ride in the journal line's transaction), else one operation list per part (each
    /// sent as a transaction of its own).
    static func store(_ bytes: [UInt8], as relative: String, run: String, keys: EtcdStateKeys)
        -> (inline: EtcdTxn.Operation?, parts: [EtcdTxn.Operation]) {
        guard bytes.count > partSize else { return (.put(keys.file(run, relative), bytes, lease: nil), []) }
        var parts: [EtcdTxn.Operation] = []
        var start = 0, index = 0
        while start < bytes.count {
            let end = min(start + partSize, bytes.count)
            parts.append(.put(keys.part(run, relative, index), Array(bytes[start..<end]), lease: nil))
            start = end
            index += 1
        }
        return (nil, parts)
    }

    /// The record of a file kept only on the machine that ran the step.
    static func keptElsewhere(_ relative: String, path: String, run: String, keys: EtcdStateKeys) -> EtcdTxn.Operation {
        let record = KeptElsewhere(machine: LockHolder.localHostName(), path: path)
        let bytes = (try? JSONEncoder().encode(record)).map { Array($0) } ?? []
        return .put(keys.elsewhere(run, relative), bytes, lease: nil)
    }

    /// The files of a run as the store holds them: whole files, then files put in parts
    /// (joined in order), by path relative to the run directory.
    static func files(_ kvs: [EtcdKeyValue], run: String, keys: EtcdStateKeys) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let whole = keys.files(run), parted = keys.parts(run)
        for kv in kvs where kv.key.hasPrefix(whole) {
            files[String(kv.key.dropFirst(whole.count))] = kv.value
        }
        // `EtcdClient.list` answers in key order, so the zero-padded parts of a file come in sequence.
        for kv in kvs where kv.key.hasPrefix(parted) {
            let rest = kv.key.dropFirst(parted.count)
            guard let slash = rest.lastIndex(of: "/") else { continue }
            files[String(rest[..<slash]), default: []] += kv.value
        }
        return files
    }

    /// The records of files kept on other machines, by relative path.
    static func keptElsewhere(_ kvs: [EtcdKeyValue], run: String, keys: EtcdStateKeys) -> [String: KeptElsewhere] {
        let prefix = keys.elsewheres(run)
        var records: [String: KeptElsewhere] = [:]
        for kv in kvs where kv.key.hasPrefix(prefix) {
            if let record = try? JSONDecoder().decode(KeptElsewhere.self, from: Data(kv.value)) {
                records[String(kv.key.dropFirst(prefix.count))] = record
            }
        }
        return records
    }
}
