import Foundation
import Testing
@testable import RunbookEngine

/// What `EtcdHTTPClient` sends, checked against etcd 3.4's rpc.proto field names (and, end to
/// end, against a real etcd in EtcdClientConformanceTests).
@Suite("etcd gateway requests (EtcdHTTPClient)")
struct EtcdGatewayEncodingTests {
    @Test("the range end of a prefix is clientv3's: last byte below 0xff plus one; \\0 when none")
    func prefixEnd() {
        #expect(EtcdHTTPClient.prefixEnd(Array("/team/runs/".utf8)) == Array("/team/runs0".utf8))
        #expect(EtcdHTTPClient.prefixEnd([0x61, 0xFF, 0xFF]) == [0x62])
        #expect(EtcdHTTPClient.prefixEnd([0xFF]) == [0])
    }

    @Test("compares and operations: CREATE = 0 (absent), CREATE > 0 (present), MOD = rev; base64 keys, int64 strings")
    func txn() throws {
        let txn = EtcdTxn(compares: [.absent("a"), .present("b"), .modified("c", revision: 42)],
                          success: [.put("a", [0, 0xFF], lease: 7), .put("b", [], lease: nil), .delete("c")])
        let body = EtcdGateway.TxnRequest(compare: txn.compares.map(EtcdHTTPClient.compare),
                                          success: txn.success.map(EtcdHTTPClient.operation))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(body), as: UTF8.self)
        #expect(json == #"{"compare":[{"create_revision":"0","key":"YQ==","result":"EQUAL","target":"CREATE"},"#
            + #"{"create_revision":"0","key":"Yg==","result":"GREATER","target":"CREATE"},"#
            + #"{"key":"Yw==","mod_revision":"42","result":"EQUAL","target":"MOD"}],"#
            + #""success":[{"request_put":{"key":"YQ==","lease":"7","value":"AP8="}},{"request_put":{"key":"Yg==","value":""}},"#
            + #"{"request_delete_range":{"key":"Yw=="}}]}"#)
    }

    @Test("http stores use the gateway client; TLS stores and RUNBOOK_ETCD_CLIENT=etcdctl use etcdctl")
    func choice() {
        let plain = EtcdStateConfig(endpoints: ["h:1"], prefix: "/p")
        #expect(plain.makeClient(fileCap: 1024, environment: [:]) is EtcdHTTPClient)
        #expect(plain.makeClient(fileCap: 1024, environment: ["RUNBOOK_ETCD_CLIENT": "etcdctl"]) is EtcdCtl)
        let tls = EtcdStateConfig(endpoints: ["h:1"], prefix: "/p", options: EtcdConnectionOptions(caFile: "ca.crt"))
        #expect(tls.makeClient(fileCap: 1024, environment: [:]) is EtcdCtl)
    }
}
