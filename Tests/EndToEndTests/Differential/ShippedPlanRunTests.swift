import Foundation
import Testing
import RunbookYAML
import RunbookCore
import RunbookEngine
import SimulatorKit
import TestSupport

/// The plan is what runs, for every shipped runbook (runbooks/ and examples/custom/): each is
/// planned (`Planner`, the value `plan --output json` renders) and then run in a fresh simulated
/// cluster (`runbook sim init`, as the rehearsal tests do) through a recording transport over
/// the simulator's; every command run must be one the plan shows, every fully known planned
/// command must run, and the plan's dependencies must hold.
@Suite("Plan/run differential: shipped runbooks in the simulator")
struct ShippedPlanRunTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var params: [String]
        /// Runs done first in the same cluster (uncordon needs a drained node).
        var before: [Case] = []
        /// A cluster description for `runbook sim init --cluster` (relative to the package); nil: the default.
        var cluster: String? = nil
        var testDescription: String { "\(file) \(params.joined(separator: " "))" }
    }

    /// Today as backup-etcd names its directories (`date +%Y%m%d` in the sandbox, UTC).
    static var backupDay: String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd"
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        return f.string(from: Date())
    }

    static let cases: [Case] = [
        Case(file: "runbooks/drain-node.yaml", params: ["node=node-1.example.com", "delete_local_data=true"]),
        Case(file: "runbooks/uncordon-node.yaml", params: ["node=node-1.example.com"],
             before: [Case(file: "runbooks/drain-node.yaml", params: ["node=node-1.example.com"])]),
        Case(file: "runbooks/decommission-node.yaml", params: ["node=node-1.example.com"]),
        Case(file: "runbooks/decommission-master.yaml", params: ["master=master-1.example.com", "allow_unsafe_count=true"]),
        Case(file: "runbooks/replace-etcd-host.yaml",
             params: ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=scaleup"]),
        Case(file: "runbooks/replace-etcd-host.yaml",
             params: ["old_etcd=master-2.example.com", "new_etcd=new-etcd-0.example.com", "method=manual",
                      "new_etcd_ip=192.168.55.20"]),
        Case(file: "runbooks/grow-docker-storage.yaml", params: ["node=node-1.example.com", "device=/dev/vdc"]),
        Case(file: "runbooks/backup-master-host.yaml", params: ["host=master-1.example.com"]),
        Case(file: "runbooks/backup-etcd.yaml", params: ["host=master-0.example.com"]),
        Case(file: "runbooks/cluster-health.yaml", params: []),
        Case(file: "runbooks/host-baseline.yaml", params: ["fix_ntp=true", "fix_entropy=true"]),
        Case(file: "runbooks/etcd-add-member.yaml",
             params: ["new_etcd=new-etcd-0.example.com", "survivor=master-0.example.com", "method=manual", "new_etcd_ip=192.168.55.20"]),
        Case(file: "runbooks/scale-etcd.yaml", params: ["new_etcd=new-etcd-0.example.com", "allow_even_count=true"]),
        Case(file: "runbooks/remove-etcd-member.yaml", params: ["member=master-2.example.com"]),
        Case(file: "runbooks/change-docker-storage-backend.yaml", params: ["node=node-1.example.com"],
             cluster: "runbooks/tests/devicemapper.cluster.yaml"),
        Case(file: "runbooks/docker-registries-config.yaml",
             params: ["search=registry.redhat.io,my.registry.example.com,localhost:5000", "insecure=localhost:5000", "block=all"]),
        // backup-etcd first: its configuration backup and snapshot (dated by the hosts' `date`, UTC).
        Case(file: "runbooks/restore-etcd.yaml",
             params: ["host=master-0.example.com", "config_backup=/backup/etcd-config-\(backupDay)",
                      "snapshot=/backup/etcd-data-\(backupDay)/snapshot.db"],
             before: [Case(file: "runbooks/backup-etcd.yaml", params: ["host=master-0.example.com"])]),
        Case(file: "runbooks/restore-master-host.yaml", params: ["host=master-0.example.com", "date=20261130"],
             before: [Case(file: "Tests/Fixtures/differential/prepare-host-restores.yaml", params: [])]),
        Case(file: "runbooks/restore-node-host.yaml", params: ["host=node-1.example.com", "date=20261130"],
             before: [Case(file: "Tests/Fixtures/differential/prepare-host-restores.yaml", params: [])]),
        Case(file: "runbooks/trust-registry-ca.yaml",
             params: ["registry=myregistry.example.com", "ca_file=/root/myregistry.example.com.crt", "group=app"],
             before: [Case(file: "Tests/Fixtures/differential/prepare-host-restores.yaml", params: [])]),
        Case(file: "runbooks/backup-pvc.yaml", params: ["project=myapp", "dc=demo", "volume=persistent-volume"],
             before: [Case(file: "Tests/Fixtures/sim/pvc-demo-app.yaml", params: [])]),
        Case(file: "runbooks/restore-pvc.yaml",
             params: ["project=myapp", "dc=demo", "volume=persistent-volume", "new_claim=filestore2", "new_claim_size=1Gi",
                      "from=/backup/pvc/myapp/demo/persistent-volume/20261101000000/uploaded"],
             before: [Case(file: "Tests/Fixtures/sim/pvc-demo-app.yaml", params: [])]),
        Case(file: "runbooks/smoke-test-app.yaml", params: []),
        Case(file: "runbooks/backup-project.yaml", params: ["project=shop"],
             before: [Case(file: "Tests/Fixtures/sim/project-shop.yaml", params: [])]),
        Case(file: "runbooks/restore-project.yaml", params: ["project=shop", "from=backups/shop/20261201000000"],
             before: [Case(file: "Tests/Fixtures/sim/project-shop.yaml", params: []),
                      Case(file: "runbooks/backup-project.yaml", params: ["project=shop"]),
                      Case(file: "Tests/Fixtures/differential/prepare-project-restore.yaml", params: [])]),
        Case(file: "runbooks/master-image-policy.yaml",
             params: ["registries=docker.io,registry.redhat.io", "import_registries=docker.io,*.docker.io",
                      "import_image=guestbook:latest", "import_from=docker.io/kubernetes/guestbook:latest"]),
        Case(file: "runbooks/backup-node-host.yaml", params: ["host=node-1.example.com"]),
        Case(file: "runbooks/backup-cluster.yaml", params: []),
        // 7.3.8.1 (no secret param): the differential compares journaled commands, where a secret is `***`,
        // with the transport's, where it is in clear, so a case with a secret param cannot pass it yet.
        Case(file: "runbooks/registry-pull-secret.yaml",
             params: ["project=myapp", "secret_name=my-registry", "registry_server=registry.example.com", "registry_username=notused",
                      "registry_project=registry-project", "registry_serviceaccount=puller"],
             before: [Case(file: "Tests/Fixtures/differential/prepare-registry-project.yaml", params: [])]),
        Case(file: "runbooks/metrics-reencrypt-route.yaml",
             params: ["cert_file=/root/wildcard.crt", "key_file=/root/wildcard.key", "ca_file=/root/wildcard.ca",
                      "hostname=hawkular-metrics.apps.example.com"],
             before: [Case(file: "Tests/Fixtures/differential/prepare-metrics-certs.yaml", params: [])]),
        Case(file: "examples/custom/hello-maintenance.yaml", params: ["node=node-1.example.com"]),
        // Steps without `on` run on the simulated controller: the directory is made there first.
        Case(file: "examples/custom/tidy-logs.yaml", params: ["dir=/tmp/it's logs", "older_than_days=7"],
             before: [Case(file: "Tests/Fixtures/differential/prepare-tidy-logs.yaml", params: ["dir=/tmp/it's logs"])]),
    ]

    /// Plans and runs `c` in the cluster at `sim`; nil when the run did what the plan showed.
    static func difference(_ c: Case, sim: String, scratch: String) async throws -> String? {
        let file = CLI.root.appendingPathComponent(c.file).path
        let load: UseResolver.Load = { (path: String) throws(DiagnosticError) -> Runbook in try RunbookLoader().load(contentsOf: path) }
        let inventory = try InventoryLoader.load(path: sim + "/inventory.yaml")
        let checked = try RunbookValidation(load: load).check(file: file, inventory: inventory)
        let assignments = c.params.map { $0.replacingOccurrences(of: "SCRATCH", with: scratch) }
        let params = try ParamResolver(environment: [:]).resolve(checked.runbook, assignments: assignments)
        let plan = try Planner().plan(runbook: checked.runbook, params: params, inventory: inventory,
                                      subRunbooks: checked.subRunbooks,
                                      fileReader: { host, path in try? String(contentsOfFile: "\(sim)/hosts/\(host.name)/root\(path)", encoding: .utf8) })
        let simulated = TransportFactory(simulated: { host in SimTransport(host: host, simDirectory: sim, base: LocalTransport()) },
                                         everyHostSimulated: true)
        let transports = RecordingTransports(base: simulated)
        let recorder = MemoryRecorder()
        let engine = Engine(runbook: checked.runbook, subRunbooks: checked.subRunbooks, params: params.values,
                            secretParams: params.secretNames, inventory: inventory, transports: transports,
                            recorder: recorder, approver: FixedApprover(.approved(by: "test")), reporter: SilentProgress(),
                            outputs: MemoryOutputStore(), options: EngineOptions(parallel: 4, assumeYes: true))
        let outcome = await engine.run()
        guard outcome.status == .succeeded else {
            return "the run did not succeed: \(outcome.status) at \(outcome.failedStep ?? "?"): \(outcome.reason ?? "")"
        }
        return PlanRunDifferential.firstDifference(plan: plan, events: await recorder.events,
                                                   transportLog: transports.log.entries)
    }

    @Test(arguments: cases)
    func runExecutesWhatPlanShows(_ c: Case) async throws {
        let scratch = try Scratch()
        let sim = scratch.path("sim")
        let initial = try CLI.run(["sim", "init", sim] + (c.cluster.map { ["--cluster", CLI.root.appendingPathComponent($0).path] } ?? []))
        try #require(initial.status == 0, "\(initial)")
        let logs = scratch.path("it's logs")
        try FileManager.default.createDirectory(atPath: logs + "/archive", withIntermediateDirectories: true)
        for earlier in c.before {
            let difference = try await Self.difference(earlier, sim: sim, scratch: scratch.url.path)
            #expect(difference == nil, "\(earlier.testDescription): \(difference ?? "")")
        }
        let difference = try await Self.difference(c, sim: sim, scratch: scratch.url.path)
        #expect(difference == nil, "\(c.testDescription): \(difference ?? "")")
    }

    /// Every runbook in runbooks/ and examples/custom/ is covered.
    @Test func everyShippedRunbookIsCovered() throws {
        var shipped: [String] = []
        for folder in ["runbooks", "examples/custom"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: CLI.root.appendingPathComponent(folder).path)
            shipped += names.filter { $0.hasSuffix(".yaml") }.map { "\(folder)/\($0)" }
        }
        let covered = Set(Self.cases.map(\.file))
        #expect(shipped.filter { !covered.contains($0) }.sorted() == [])
    }
}
