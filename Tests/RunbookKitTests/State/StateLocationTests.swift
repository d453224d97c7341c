import Testing
@testable import RunbookEngine

@Suite("state location (--state, RUNBOOK_STATE)")
struct StateLocationTests {
    @Test("a path, file:// or nothing is a directory; --state-dir and RUNBOOK_STATE_DIR keep working")
    func directories() throws {
        #expect(try StateLocation.parse("/var/lib/runbook") == .directory("/var/lib/runbook"))
        #expect(try StateLocation.parse("file:///srv/state") == .directory("/srv/state"))
        #expect(try StateLocation.resolve(state: nil, stateDirectory: nil, environment: [:]) == .directory(".runbook"))
        #expect(try StateLocation.resolve(state: nil, stateDirectory: "s", environment: ["RUNBOOK_STATE": "x"]) == .directory("s"))
        #expect(try StateLocation.resolve(state: nil, stateDirectory: nil, environment: ["RUNBOOK_STATE_DIR": "d"]) == .directory("d"))
        #expect(try StateLocation.resolve(state: nil, stateDirectory: nil,
                                          environment: ["RUNBOOK_STATE": "e", "RUNBOOK_STATE_DIR": "d"]) == .directory("e"))
    }

    @Test("etcd://HOST:PORT[,HOST:PORT…]/PREFIX with the TLS files and timeouts")
    func etcd() throws {
        let tls = EtcdConnectionOptions(caFile: "ca.crt", certFile: "c.crt", keyFile: "c.key", dialTimeout: 2,
                                        commandTimeout: 3, lockTTL: 9)
        let location = try StateLocation.parse("etcd://10.0.0.1:2379,10.0.0.2:2379/ops/runbook/", tls: tls)
        let expected = EtcdStateConfig(endpoints: ["10.0.0.1:2379", "10.0.0.2:2379"], prefix: "/ops/runbook", options: tls)
        #expect(location == .etcd(expected))
        #expect(expected.url == "etcd://10.0.0.1:2379,10.0.0.2:2379/ops/runbook")
        let arguments = EtcdCtl(config: expected).commonArguments
        #expect(arguments == ["--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379", "--dial-timeout=2s",
                              "--command-timeout=3s", "--cacert=ca.crt", "--cert=c.crt", "--key=c.key"])
        let plain = EtcdCtl(config: EtcdStateConfig(endpoints: ["h:1"], prefix: "/p")).commonArguments
        #expect(plain == ["--endpoints=http://h:1", "--dial-timeout=5s", "--command-timeout=5s"])
    }

    @Test("values that cannot be used are refused with the reason")
    func refused() {
        #expect(throws: StateLocationError("etcd://h:1", "the etcd URL needs a key prefix, e.g. etcd://h:1/runbook")) {
            try StateLocation.parse("etcd://h:1")
        }
        #expect(throws: StateLocationError("etcd://h/p", "'h' is not HOST:PORT")) { try StateLocation.parse("etcd://h/p") }
        #expect(throws: StateLocationError("etcd://h:1,/p", "'' is not HOST:PORT")) { try StateLocation.parse("etcd://h:1,/p") }
        #expect(throws: StateLocationError("consul://h:1/p",
                                           "unknown state store 'consul://' (a directory path or etcd://HOST:PORT[,HOST:PORT…]/PREFIX)")) {
            try StateLocation.parse("consul://h:1/p")
        }
        #expect(throws: StateLocationError("a", "--state and --state-dir both given (a, b); pass one")) {
            try StateLocation.resolve(state: "a", stateDirectory: "b", environment: [:])
        }
    }

    @Test("etcdctl txn values are Go-quoted so any bytes round-trip")
    func quoting() {
        #expect(EtcdCtl.quote(Array(#"{"a":"x\n"}"#.utf8)) == #""{\"a\":\"x\\n\"}""#)
        #expect(EtcdCtl.quote([0x7A, 0x00, 0xFF, 0x0A]) == #""z\x00\xff\x0a""#)
    }

    @Test("journal keys are zero-padded so etcd's key order is the journal's order")
    func keys() {
        let keys = EtcdStateKeys(prefix: "/t")
        #expect(keys.line("R", 7) == "/t/runs/R/journal/0000000007")
        #expect(keys.scopeLock("cluster a") == "/t/locks/scope/cluster%20a")
        #expect(keys.runLock("R") == "/t/locks/run/R")
    }
}
