import Foundation

extension EtcdStateBackend {
    /// Writes a local run (journal lines and every file of its directory) into the store, as
    /// `runbook state copy` does. Transactions of at most 64 keys / 1 MiB (a larger file in parts, `EtcdRunFiles`); each journal batch
    /// needs its first key absent and the line before it present, like a live append.
    /// - Throws: `EtcdStateError` when the store already has the run or a transaction is refused.
    public func push(_ directory: RunDirectory) throws {
        let id = directory.runID
        guard try client.list(prefix: keys.run(id)).isEmpty else {
            throw EtcdStateError("run \(id) is already in \(config.url)")
        }
        var files: [EtcdTxn.Operation] = []
        for relative in Self.files(under: directory.path, relative: "") where relative != "journal.jsonl" && relative != "lock" {
            guard let bytes = try PrivateFiles.read("\(directory.path)/\(relative)") else { continue }
            let stored = EtcdRunFiles.store(bytes, as: relative, run: id, keys: keys)
            files += (stored.inline.map { [$0] } ?? []) + stored.parts
        }
        try send(files, compares: { _ in [] })
        let bytes = try PrivateFiles.read(directory.journalPath) ?? []
        let lines = JournalLines(bytes)
        var operations: [EtcdTxn.Operation] = []
        for index in 0..<lines.count {
            operations.append(.put(keys.line(id, index + 1), Array(lines[index]), lease: nil))
        }
        try send(operations) { first in
            [.absent(keys.line(id, first + 1))] + (first > 0 ? [.present(keys.line(id, first))] : [])
        }
    }

    /// Sends `operations` in batches; `compares` gets the index of each batch's first operation.
    private func send(_ operations: [EtcdTxn.Operation], compares: (Int) -> [EtcdTxn.Compare]) throws {
        var start = 0
        while start < operations.count {
            var end = start, size = 0
            while end < operations.count, end - start < 64 {
                if case .put(_, let value, _) = operations[end] { size += value.count }
                if size > 1 << 20, end > start { break }
                end += 1
            }
            guard try client.txn(EtcdTxn(compares: compares(start), success: Array(operations[start..<end]))) else {
                throw EtcdStateError("the store refused part of the copy (someone else wrote the same run meanwhile)")
            }
            start = end
        }
    }

    /// Every regular file under `path`, relative, sorted.
    static func files(under path: String, relative: String) -> [String] {
        let base = relative.isEmpty ? path : "\(path)/\(relative)"
        return PrivateFiles.list(base).sorted().flatMap { name -> [String] in
            let child = relative.isEmpty ? name : "\(relative)/\(name)"
            if name.hasPrefix(".") { return [] }
            return PrivateFiles.isDirectory("\(path)/\(child)") ? files(under: path, relative: child) : [child]
        }
    }
}
