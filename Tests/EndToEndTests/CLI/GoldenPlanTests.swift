import Foundation
import Testing

/// `runbook plan` of every runbook in runbooks/ for the example cluster, compared with the reviewed
/// files in Tests/Golden/plan/. `RUNBOOK_RECORD_GOLDEN=1 swift test --filter GoldenPlanTests` rewrites
/// them and fails, so a recording is never mistaken for a pass: review the diff (`git diff Tests/Golden`),
/// then run again without the variable (see `Golden` in TestSupport).
@Suite struct GoldenPlanTests {
    /// A golden file: its name, the runbook and the `--param` values (realistic for examples/inventory.yaml).
    struct Case: CustomTestStringConvertible, Sendable {
        var golden: String
        var runbook: String
        var params: [String]
        var testDescription: String { golden }
    }

    static let cases: [Case] = [
        Case(golden: "drain-node", runbook: "drain-node", params: ["node=node-1.example.com", "delete_local_data=true"]),
        Case(golden: "uncordon-node", runbook: "uncordon-node", params: ["node=node-1.example.com"]),
        Case(golden: "decommission-node", runbook: "decommission-node",
             params: ["node=infra-node-2.example.com", "infra_replicas=2", "remove_lb_backend=true"]),
        Case(golden: "decommission-master", runbook: "decommission-master",
             params: ["master=master-0.example.com", "allow_unsafe_count=true"]),
        Case(golden: "replace-etcd-host-scaleup", runbook: "replace-etcd-host",
             params: ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=scaleup"]),
        Case(golden: "replace-etcd-host-manual", runbook: "replace-etcd-host",
             params: ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=manual",
                      "new_etcd_ip=192.168.55.20"]),
        Case(golden: "grow-docker-storage-add-disk", runbook: "grow-docker-storage",
             params: ["node=node-0.example.com", "device=/dev/vdc", "mode=add-disk"]),
        Case(golden: "grow-docker-storage-extend-existing", runbook: "grow-docker-storage",
             params: ["node=node-0.example.com", "device=/dev/vdb1", "mode=extend-existing"]),
        Case(golden: "backup-master-host", runbook: "backup-master-host", params: ["host=master-1.example.com"]),
        Case(golden: "backup-etcd", runbook: "backup-etcd", params: ["host=master-1.example.com"]),
        Case(golden: "cluster-health", runbook: "cluster-health", params: []),
        Case(golden: "host-baseline-fix", runbook: "host-baseline", params: ["fix_ntp=true", "fix_entropy=true"]),
        Case(golden: "scale-etcd-manual", runbook: "scale-etcd",
             params: ["new_etcd=new-etcd-0.example.com", "new_etcd_ip=192.168.55.20", "method=manual", "allow_even_count=true"]),
        Case(golden: "etcd-add-member-scaleup", runbook: "etcd-add-member",
             params: ["new_etcd=new-etcd-0.example.com", "survivor=master-0.example.com"]),
        Case(golden: "remove-etcd-member", runbook: "remove-etcd-member", params: ["member=master-2.example.com"]),
        Case(golden: "change-docker-storage-backend", runbook: "change-docker-storage-backend", params: ["node=node-1.example.com"]),
        Case(golden: "docker-registries-config", runbook: "docker-registries-config",
             params: ["search=registry.redhat.io,my.registry.example.com,localhost:5000", "insecure=localhost:5000", "block=all"]),
        Case(golden: "restore-etcd", runbook: "restore-etcd",
             params: ["host=master-0.example.com", "config_backup=/backup/etcd-config-20261130",
                      "snapshot=/backup/etcd-data-20261130/snapshot.db"]),
        Case(golden: "restore-master-host", runbook: "restore-master-host",
             params: ["host=master-0.example.com", "date=20261130", "certificates=myregistry.example.com.crt"]),
        Case(golden: "restore-node-host", runbook: "restore-node-host", params: ["host=node-1.example.com", "date=20261130"]),
        Case(golden: "trust-registry-ca", runbook: "trust-registry-ca",
             params: ["registry=myregistry.example.com", "ca_file=/root/myregistry.example.com.crt"]),
        Case(golden: "backup-pvc", runbook: "backup-pvc", params: ["project=myapp", "dc=demo", "volume=persistent-volume"]),
        Case(golden: "restore-pvc-new-claim", runbook: "restore-pvc",
             params: ["project=myapp", "dc=demo", "volume=persistent-volume",
                      "from=/backup/pvc/myapp/demo/persistent-volume/20261101000000/uploaded", "new_claim=filestore2", "new_claim_size=1Gi"]),
        Case(golden: "smoke-test-app", runbook: "smoke-test-app", params: []),
        Case(golden: "master-image-policy", runbook: "master-image-policy",
             params: ["registries=docker.io,registry.redhat.io,my.registry.example.com", "import_registries=docker.io,*.docker.io",
                      "import_image=guestbook:latest", "import_from=docker.io/kubernetes/guestbook:latest"]),
        Case(golden: "backup-node-host", runbook: "backup-node-host", params: ["host=node-1.example.com"]),
        Case(golden: "backup-cluster", runbook: "backup-cluster", params: []),
        Case(golden: "backup-project", runbook: "backup-project", params: ["project=shop"]),
        Case(golden: "restore-project", runbook: "restore-project", params: ["project=shop", "from=backups/shop/20261201000000"]),
        Case(golden: "registry-pull-secret", runbook: "registry-pull-secret",
             params: ["project=myapp", "secret_name=my-registry", "registry_server=my.registry.example.com", "registry_username=alice",
                      "registry_password=s3cret", "registry_email=alice@example.com"]),
        Case(golden: "registry-pull-secret-token", runbook: "registry-pull-secret",
             params: ["project=myapp", "secret_name=my-registry", "registry_server=registry.example.com", "registry_username=notused",
                      "registry_project=registry-project", "registry_serviceaccount=puller"]),
        Case(golden: "metrics-reencrypt-route", runbook: "metrics-reencrypt-route",
             params: ["cert_file=/root/wildcard.crt", "key_file=/root/wildcard.key", "ca_file=/root/wildcard.ca",
                      "hostname=hawkular-metrics.apps.example.com"]),
    ]

    @Test(arguments: cases)
    func planMatchesTheReviewedGoldenFile(_ c: Case) throws {
        let arguments = ["plan", "runbooks/\(c.runbook).yaml", "--inventory", "examples/inventory.yaml"]
            + c.params.flatMap { ["--param", $0] }
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        try Golden.check(result.stdout, named: "plan/\(c.golden).txt")
    }

    /// Every runbook in runbooks/ has at least one golden plan: a new runbook cannot skip review.
    @Test func everyRunbookHasAGoldenPlan() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: CLI.root.appendingPathComponent("runbooks").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        let covered = Set(Self.cases.map(\.runbook))
        #expect(names.filter { !covered.contains($0) }.sorted() == [])
        #expect(Set(Self.cases.map(\.golden)).count == Self.cases.count)
    }
}
