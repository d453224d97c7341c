import Foundation
import Testing
import TestSupport
@testable import RunbookEngine

/// The transactions the team store is built on, against a real etcd.
@Suite("etcd journal and lock transactions (real etcd on loopback)", .serialized)
struct EtcdJournalTxnTests {
    @Test("a line is appended only if its key is absent and the previous line exists: two writers of one line, one wins")
    func appendOnce() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let client = EtcdCtl(config: try #require(Self.config(etcd.url)))
        let keys = EtcdStateKeys(prefix: "/team")
        func append(_ sequence: Int, _ text: String) throws -> Bool {
            var compares: [EtcdTxn.Compare] = [.absent(keys.line("R", sequence))]
            if sequence > 1 { compares.append(.present(keys.line("R", sequence - 1))) }
            return try client.txn(EtcdTxn(compares: compares, success: [.put(keys.line("R", sequence), Array(text.utf8), lease: nil)]))
        }
        #expect(try append(2, "two before one") == false, "a line never goes in before the previous one")
        #expect(try append(1, #"{"a":"x \" \\ é"}"#) == true)
        #expect(try append(1, "another writer's line 1") == false)
        #expect(try append(2, "two") == true)
        let lines = try client.list(prefix: keys.journal("R"))
        #expect(lines.map { String(decoding: $0.value, as: UTF8.self) } == [#"{"a":"x \" \\ é"}"#, "two"])
    }

    @Test("a lock is one holder's until released; a second holder is told who has it")
    func lockBusy() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let client = EtcdCtl(config: try #require(Self.config(etcd.url)))
        let holder = LockHolder(pid: 42, host: "bastion-1", run: "R1", since: "2026-12-01T00:00:00.000Z")
        let first = try EtcdLock.acquire(key: "/team/locks/scope/c", label: "lock scope 'c'", holder: holder,
                                         breakLock: false, ttl: 5, client: client)
        #expect(throws: LockBusy(lock: "lock scope 'c'", holder: holder, stale: false)) {
            _ = try EtcdLock.acquire(key: "/team/locks/scope/c", label: "lock scope 'c'", holder: holder,
                                     breakLock: false, ttl: 5, client: client)
        }
        // --break-lock replaces the holder seen; the displaced holding can no longer pass its compare.
        let second = try EtcdLock.acquire(key: "/team/locks/scope/c", label: "lock scope 'c'", holder: holder,
                                          breakLock: true, ttl: 5, client: client)
        #expect(second.brokenHolder == holder)
        #expect(try client.txn(EtcdTxn(compares: [.modified(first.key, revision: first.revision)], success: [])) == false)
        first.release()
        #expect(try client.get("/team/locks/scope/c") != nil, "releasing a displaced holding leaves the new one")
        second.release()
        #expect(try client.get("/team/locks/scope/c") == nil)
    }

    static func config(_ url: String) -> EtcdStateConfig? {
        if case .etcd(let config) = try? StateLocation.parse(url) { return config }
        return nil
    }
}
