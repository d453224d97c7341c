import Foundation
import Testing
import TestSupport
@testable import RunbookEngine

/// How the gateway client meets members that are gone, silent or restarted: errors as the
/// callers expect them (`EtcdError.unreachable` with the store's URL), never a hang, failover in
/// endpoint order, and a transaction whose answer was lost never sent twice.
@Suite("EtcdHTTPClient when members fail (real etcd on loopback)", .serialized)
struct EtcdHTTPClientFailureTests {
    static func client(_ endpoints: [String], timeouts seconds: Int = 1) -> EtcdHTTPClient {
        let options = EtcdConnectionOptions(dialTimeout: seconds, commandTimeout: seconds)
        return EtcdHTTPClient(config: EtcdStateConfig(endpoints: endpoints, prefix: "/team", options: options),
                              responseCap: 1 << 20)
    }

    static func write(_ key: String) -> EtcdTxn { EtcdTxn(compares: [], success: [.put(key, Array("v".utf8), lease: nil)]) }

    @Test("nobody listening: unreachable, naming the endpoint and the refusal")
    func refused() throws {
        var taken = Set<UInt16>()
        let port = try TeamEtcd.freePort(avoiding: &taken)
        let client = Self.client(["127.0.0.1:\(port)"])
        let expected = EtcdError.unreachable("etcd://127.0.0.1:\(port)/team", detail: "127.0.0.1:\(port): Connection refused")
        #expect(throws: expected) { try client.checkReachable() }
        #expect(throws: expected) { try client.txn(Self.write("/team/x")) }
    }

    @Test("a member whose handshakes are dropped: unreachable at the dial timeout, not a hang")
    func dialTimeout() throws {
        let listener = try SilentListener(backlog: 0)
        listener.fillBacklog()
        let client = Self.client(["127.0.0.1:\(listener.port)"])
        #expect(throws: EtcdError.unreachable("etcd://127.0.0.1:\(listener.port)/team",
                                              detail: "127.0.0.1:\(listener.port): no connection within 1 s (dial timeout)")) {
            try client.get("/team/x")
        }
    }

    @Test("a member that never answers: unreachable at the request timeout; a read is asked twice, a transaction once")
    func silent() throws {
        let listener = try SilentListener()
        let client = Self.client(["127.0.0.1:\(listener.port)"])
        let expected = EtcdError.unreachable("etcd://127.0.0.1:\(listener.port)/team",
                                             detail: "127.0.0.1:\(listener.port): no answer within 1 s (deadline exceeded)")
        #expect(throws: expected) { try client.txn(Self.write("/team/x")) }
        #expect(Self.connections(listener) == 1, "a transaction whose answer was lost is not sent again")
        #expect(throws: expected) { try client.get("/team/x") }
        #expect(Self.connections(listener) == 2, "a read whose answer was lost is asked once more")
    }

    @Test("first endpoint dead, second alive: calls succeed on the second")
    func failover() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        var taken = Set<UInt16>()
        let dead = try TeamEtcd.freePort(avoiding: &taken)
        let client = Self.client(["127.0.0.1:\(dead)", "127.0.0.1:\(etcd.members[0].client)"])
        try client.checkReachable()
        #expect(try client.txn(Self.write("/team/x")))
        #expect(try client.get("/team/x")?.value == Array("v".utf8))
    }

    @Test("etcd restarted between two calls: the next call (a transaction) reconnects")
    func restarted() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let client = Self.client(["127.0.0.1:\(etcd.members[0].client)"], timeouts: 2)
        #expect(try client.txn(Self.write("/team/a")))
        etcd.stop(0)
        try etcd.restart(0)
        #expect(try client.txn(Self.write("/team/b")))
        #expect(try client.list(prefix: "/team/").map(\.key) == ["/team/a", "/team/b"])
    }

    /// The connections the listener got since last asked.
    static func connections(_ listener: SilentListener) -> Int {
        var count = 0
        while listener.acceptPending() { count += 1 }
        return count
    }
}
