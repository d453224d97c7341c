import Foundation
import Testing
@testable import SimulatorKit

/// The `oc` verbs smoke-test-app (guide 3.1, 3.5.2) needs: new-project, new-app, rollout status,
/// expose, get route/project, the route answering curl, delete project.
@Suite("oc projects and apps")
struct OcProjectTests {
    let app = "centos/httpd-24-centos7~https://github.com/sclorg/httpd-ex"

    @Test("new-project creates a project and switches to it; --skip-config-write leaves the current project; an existing name is refused")
    func newProject() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let made = try f.run("oc", ["new-project", "sdn-test"])
        #expect(made.status == 0)
        #expect(made.stdout.hasPrefix("Now using project \"sdn-test\" on server \"https://master.example.com:8443\".\n"))
        #expect(try f.state().host("master-0.example.com")?.project == "sdn-test")
        let quiet = try f.run("oc", ["new-project", "other", "--skip-config-write"])
        #expect(quiet.status == 0)
        #expect(quiet.stdout == "Project \"other\" created on server \"https://master.example.com:8443\".\n\nTo switch to this project and start adding applications, use:\n\n    oc project other\n")
        #expect(try f.state().host("master-0.example.com")?.project == "sdn-test")
        let again = try f.run("oc", ["new-project", "sdn-test"])
        #expect(again.status == 1)
        #expect(again.stderr == "Error from server (AlreadyExists): project.project.openshift.io \"sdn-test\" already exists\n")
        let initial = try f.run("oc", ["new-project", "default"])
        #expect(initial.stderr == "Error from server (AlreadyExists): project.project.openshift.io \"default\" already exists\n")
        let bad = try f.run("oc", ["new-project", "Bad_Name"])
        #expect(bad.status == 1 && bad.stderr.contains("a DNS-1123 label must consist of lower case alphanumeric characters"))
        let listed = try f.run("oc", ["get", "project", "sdn-test", "--no-headers"])
        #expect(listed.status == 0 && listed.stdout.contains("Active"))
    }

    @Test("new-app builds, rollout status waits in simulated time until the app's pod runs on an app node")
    func newAppAndRollout() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "sdn-test"]).status == 0)
        let made = try f.run("oc", ["new-app", app])
        #expect(made.status == 0)
        #expect(made.stdout.contains("    buildconfig.build.openshift.io \"httpd-ex\" created\n    deploymentconfig.apps.openshift.io \"httpd-ex\" created\n    service \"httpd-ex\" created\n--> Success\n"))
        let building = try f.run("oc", ["get", "pods", "-n", "sdn-test", "--no-headers"])
        #expect(building.stdout.split(separator: "\n").count == 1)
        #expect(building.stdout.contains("httpd-ex-1-build") && building.stdout.contains("Running"))
        let again = try f.run("oc", ["new-app", app, "-n", "sdn-test"])
        #expect(again.status == 1 && again.stderr.contains("error: imagestreams.image.openshift.io \"httpd-ex\" already exists"))
        let before = try f.state().simulatedSeconds ?? 0
        let rollout = try f.run("oc", ["rollout", "status", "dc/httpd-ex", "-n", "sdn-test"])
        #expect(rollout.status == 0)
        #expect(rollout.stdout.hasSuffix("replication controller \"httpd-ex-1\" successfully rolled out\n"))
        #expect((try f.state().simulatedSeconds ?? 0) == before + 90)
        let state = try f.state()
        let pods = state.pods.filter { $0.namespace == "sdn-test" }
        #expect(pods.count == 1)
        #expect(pods.first.map { ["node-0.example.com", "node-1.example.com", "node-2.example.com"].contains($0.node) } == true)
        let listed = try f.run("oc", ["get", "pods", "-n", "sdn-test", "--no-headers"]).stdout
        #expect(listed.contains("httpd-ex-1-build") && listed.contains("Completed"))
        #expect(listed.range(of: #"httpd-ex-1-[a-z0-9]{5}\s+1/1\s+Running"#, options: .regularExpression) != nil)
        let missing = try f.run("oc", ["rollout", "status", "dc/nope", "-n", "sdn-test"])
        #expect(missing.stderr == "Error from server (NotFound): deploymentconfigs.apps.openshift.io \"nope\" not found\n")
    }

    @Test("with every app node cordoned the pod stays Pending and rollout status fails after the deployer's timeout")
    func rolloutFailsWithoutRoom() throws {
        let f = try SimFixture()
        defer { f.remove() }
        for n in ["node-0.example.com", "node-1.example.com", "node-2.example.com"] {
            #expect(try f.run("oc", ["adm", "cordon", n]).status == 0)
        }
        #expect(try f.run("oc", ["new-project", "sdn-test"]).status == 0)
        #expect(try f.run("oc", ["new-app", app]).status == 0)
        let rollout = try f.run("oc", ["rollout", "status", "dc/httpd-ex"])
        #expect(rollout.status == 1)
        #expect(rollout.stderr == "error: replication controller \"httpd-ex-1\" has failed progressing\n")
        #expect(try f.state().pods.filter { $0.namespace == "sdn-test" }.isEmpty)
        #expect(try f.state().simulatedSeconds == 660)
    }

    @Test("expose makes a route NAME-PROJECT.apps.example.com; curl gets 200 while the app runs, 503 without its pod")
    func exposeAndCurl() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["new-project", "sdn-test"]).status == 0)
        #expect(try f.run("oc", ["new-app", app]).status == 0)
        let noService = try f.run("oc", ["expose", "svc/nope"])
        #expect(noService.stderr == "Error from server (NotFound): services \"nope\" not found\n")
        let exposed = try f.run("oc", ["expose", "svc/httpd-ex"])
        #expect(exposed.status == 0 && exposed.stdout == "route.route.openshift.io/httpd-ex exposed\n")
        let twice = try f.run("oc", ["expose", "svc/httpd-ex"])
        #expect(twice.stderr == "Error from server (AlreadyExists): routes.route.openshift.io \"httpd-ex\" already exists\n")
        let host = try f.run("oc", ["get", "route", "httpd-ex", "-o", "jsonpath={.spec.host}"])
        #expect(host.stdout == "httpd-ex-sdn-test.apps.example.com")
        let url = "http://httpd-ex-sdn-test.apps.example.com/"
        #expect(try f.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url]).stdout == "503")
        let failing = try f.run("curl", ["-sSf", url])
        #expect(failing.status == 22 && failing.stderr == "curl: (22) The requested URL returned error: 503 Service Unavailable\n")
        #expect(try f.run("oc", ["rollout", "status", "dc/httpd-ex"]).status == 0)
        let ok = try f.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url])
        #expect(ok.status == 0 && ok.stdout == "200")
        #expect(try f.run("oc", ["scale", "dc/router", "--replicas", "0", "-n", "default"]).status == 0)
        let refused = try f.run("curl", ["-s", url])
        #expect(refused.status == 7)
    }

    @Test("delete project removes its content at once; the project reads Terminating once, then is gone")
    func deleteProject() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let untouched = try f.state()
        #expect(try f.run("oc", ["new-project", "sdn-test", "--skip-config-write"]).status == 0)
        #expect(try f.run("oc", ["new-app", app, "-n", "sdn-test"]).status == 0)
        #expect(try f.run("oc", ["rollout", "status", "dc/httpd-ex", "-n", "sdn-test"]).status == 0)
        let deleted = try f.run("oc", ["delete", "project", "sdn-test"])
        #expect(deleted.status == 0 && deleted.stdout == "project \"sdn-test\" deleted\n")
        #expect(try f.state().pods.filter { $0.namespace == "sdn-test" }.isEmpty)
        #expect(try f.state().controllers.filter { $0.namespace == "sdn-test" }.isEmpty)
        let newContent = try f.run("oc", ["new-app", app, "-n", "sdn-test"])
        // The namespace lifecycle admission plugin names each object it refuses (admission.NewForbidden).
        let refused = "is forbidden: unable to create new content in namespace sdn-test because it is being terminated"
        #expect(newContent.status == 1)
        #expect(newContent.stdout == "--> Found Docker image (centos/httpd-24-centos7)\n\n--> Creating resources ...\n--> Failed\n")
        #expect(newContent.stderr == "    error: imagestreams.image.openshift.io \"httpd-ex\" \(refused)\n"
            + "    error: buildconfigs.build.openshift.io \"httpd-ex\" \(refused)\n    error: deploymentconfigs.apps.openshift.io \"httpd-ex\" \(refused)\n"
            + "    error: services \"httpd-ex\" \(refused)\n")
        let route = try f.run("oc", ["expose", "svc/httpd-ex", "-n", "sdn-test"])
        #expect(route.status == 1)
        #expect(route.stderr == "Error from server (Forbidden): routes.route.openshift.io \"httpd-ex\" \(refused)\n")
        let twice = try f.run("oc", ["delete", "project", "sdn-test"])
        #expect(twice.status == 1 && twice.stderr.hasPrefix("Error from server (Conflict): Operation cannot be fulfilled on namespaces \"sdn-test\""))
        let terminating = try f.run("oc", ["get", "project", "sdn-test", "--no-headers"])
        #expect(terminating.status == 0 && terminating.stdout.contains("Terminating"))
        let gone = try f.run("oc", ["get", "project", "sdn-test"])
        #expect(gone.status == 1)
        #expect(gone.stderr == "Error from server (NotFound): projects.project.openshift.io \"sdn-test\" not found\n")
        var after = try f.state(), before = untouched
        after.sequence = 0; before.sequence = 0; after.simulatedSeconds = nil; before.simulatedSeconds = nil
        #expect(after == before)
        let unknown = try f.run("oc", ["delete", "project", "nope"])
        #expect(unknown.status == 1 && unknown.stderr == "Error from server (NotFound): projects.project.openshift.io \"nope\" not found\n")
    }
}
