import Foundation
import Testing
import TestSupport
@testable import RunbookEngine

/// The same reads, transactions and lease calls through both clients against one real etcd
/// (each under its own prefix): the gateway client must answer exactly as `etcdctl` does.
@Suite("EtcdHTTPClient answers as EtcdCtl does (real etcd on loopback)", .serialized)
struct EtcdClientConformanceTests {
    @Test("get, list, txn compares (absent, present, modified), put with a lease, delete, lease grant, expiry, loss and revoke")
    func sameAnswers() async throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let config = try #require(EtcdJournalTxnTests.config(etcd.url))
        let byEtcdctl = try await Self.transcript(EtcdCtl(config: config), prefix: "/ctl", etcd: etcd)
        let byGateway = try await Self.transcript(EtcdHTTPClient(config: config, responseCap: 1 << 20), prefix: "/http", etcd: etcd)
        #expect(byGateway == byEtcdctl)
        #expect(byGateway == Self.expected)
    }

    static let expected = [
        "get absent: nil",
        "txn absent → put: true", "txn absent again: false",
        "get: v1, created = modified: true, lease 0: true",
        "txn present → put: true", "get: v2, created < modified: true",
        "txn modified at the revision seen → delete: true", "txn modified at that revision again: false",
        "txn present after delete: false", "get after delete: nil",
        "binary value round-trips: true",
        "list: l/a, l/b, l/c", "list of an empty prefix: ",
        "lease keeper alive: true", "key bound to the lease: true",
        "stopped keeper's key: nil",
        "put with a lease that does not exist: etcd txn failed: etcdserver: requested lease not found",
        "key of an expired lease: nil",
        "keeper of a revoked lease alive: false",
    ]

    /// What `client` answers to one fixed sequence of calls, revisions written as relations.
    static func transcript(_ client: any EtcdClient, prefix p: String, etcd: TeamEtcd) async throws -> [String] {
        var out: [String] = []
        func put(_ key: String, _ value: String, if compares: [EtcdTxn.Compare], lease: Int64? = nil) throws -> Bool {
            try client.txn(EtcdTxn(compares: compares, success: [.put(key, Array(value.utf8), lease: lease)]))
        }
        let k = p + "/k"
        out.append("get absent: \(try client.get(k).map { _ in "found" } ?? "nil")")
        out.append("txn absent → put: \(try put(k, "v1", if: [.absent(k)]))")
        out.append("txn absent again: \(try put(k, "v9", if: [.absent(k)]))")
        let first = try #require(try client.get(k))
        out.append("get: \(String(decoding: first.value, as: UTF8.self)), created = modified: \(first.createRevision == first.modRevision), lease 0: \(first.lease == 0)")
        out.append("txn present → put: \(try put(k, "v2", if: [.present(k)]))")
        let second = try #require(try client.get(k))
        out.append("get: \(String(decoding: second.value, as: UTF8.self)), created < modified: \(second.createRevision < second.modRevision)")
        let delete = EtcdTxn(compares: [.modified(k, revision: second.modRevision)], success: [.delete(k)])
        out.append("txn modified at the revision seen → delete: \(try client.txn(delete))")
        out.append("txn modified at that revision again: \(try client.txn(delete))")
        out.append("txn present after delete: \(try put(k, "v3", if: [.present(k)]))")
        out.append("get after delete: \(try client.get(k).map { _ in "found" } ?? "nil")")

        let bytes = (0...255).map(UInt8.init) + Array("\"\\ é".utf8)
        _ = try client.txn(EtcdTxn(compares: [], success: [.put(p + "/bin", bytes, lease: nil)]))
        out.append("binary value round-trips: \(try client.get(p + "/bin")?.value == bytes)")

        for key in ["l/c", "l/a", "l0", "l/b"] { _ = try put("\(p)/\(key)", key, if: []) }
        out.append("list: " + (try client.list(prefix: p + "/l/")).map { String($0.key.dropFirst(p.count + 1)) }.joined(separator: ", "))
        out.append("list of an empty prefix: " + (try client.list(prefix: p + "/none/")).map(\.key).joined(separator: ", "))

        let keeper = try client.keepAliveLease(ttl: 5)
        out.append("lease keeper alive: \(keeper.isAlive)")
        _ = try put(p + "/leased", "x", if: [], lease: keeper.lease)
        out.append("key bound to the lease: \(try client.get(p + "/leased")?.lease == keeper.lease)")
        keeper.stop()
        out.append("stopped keeper's key: \(try client.get(p + "/leased").map { _ in "found" } ?? "nil")")
        do {
            _ = try put(p + "/nolease", "x", if: [], lease: 99)
            out.append("put with a lease that does not exist: succeeded")
        } catch {
            out.append("put with a lease that does not exist: \(error)")
        }

        // Expiry: a lease nobody renews (granted by etcdctl), its key gone one TTL later.
        let grant = try etcd.etcdctl(["lease", "grant", "1", "-w", "json"])
        struct Grant: Decodable { var ID: Int64 }
        let lease = try JSONDecoder().decode(Grant.self, from: Data(grant.stdout.utf8)).ID
        _ = try put(p + "/expires", "x", if: [], lease: lease)
        let expired = await eventually(seconds: 10) { (try? client.get(p + "/expires")) == .some(nil) }
        out.append("key of an expired lease: \(expired ? "nil" : "still there")")

        // Loss: the lease revoked behind the keeper's back; its next renewal learns it.
        let revoked = try client.keepAliveLease(ttl: 2)
        _ = try etcd.etcdctl(["lease", "revoke", String(revoked.lease, radix: 16)])
        let noticed = await eventually(seconds: 10) { !revoked.isAlive }
        out.append("keeper of a revoked lease alive: \(!noticed)")
        revoked.stop()
        return out
    }
}

/// `list` in pages: a store larger than the answer cap is still read whole.
@Suite("EtcdHTTPClient lists a large range in pages (real etcd on loopback)", .serialized)
struct EtcdHTTPClientPagingTests {
    @Test("pages at one revision, fewer keys a page when a page passes the cap; one key past the cap is an error")
    func pages() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let config = try #require(EtcdJournalTxnTests.config(etcd.url))
        let etcdctl = EtcdCtl(config: config)
        for index in 0..<5 {
            _ = try etcdctl.txn(EtcdTxn(compares: [], success: [.put("/p/k\(index)", Array(repeating: UInt8(65 + index), count: 500), lease: nil)]))
        }
        // 500 bytes are ~670 in base64: two keys and the header pass 1500 bytes, one does not.
        let client = EtcdHTTPClient(config: config, responseCap: 1500, pageSize: 2)
        let listed = try client.list(prefix: "/p/")
        #expect(listed.map(\.key) == ["/p/k0", "/p/k1", "/p/k2", "/p/k3", "/p/k4"])
        #expect(listed == (try etcdctl.list(prefix: "/p/")))
        _ = try etcdctl.txn(EtcdTxn(compares: [], success: [.put("/p/big", Array(repeating: 66, count: 2000), lease: nil)]))
        #expect(throws: EtcdError.answerTooLarge("get", cap: 1500)) { try client.get("/p/big") }
        #expect(throws: EtcdError.answerTooLarge("get --prefix", cap: 1500)) { try client.list(prefix: "/p/") }
    }
}
