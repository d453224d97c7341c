import Foundation
import Testing
@testable import SimulatorKit
import TestSupport

/// `oc create secret docker-registry`, `oc secrets link|unlink`, service accounts, tokens and role
/// bindings (7.3.5, 7.3.8.1).
@Suite("oc secrets and service accounts")
struct OcSecretTests {
    func create(_ f: SimFixture, _ name: String = "my-registry", ns: String = "myapp") throws -> CLI.Outcome {
        try f.run("oc", ["create", "secret", "docker-registry", name, "-n", ns, "--docker-server=my.registry.example.com",
                         "--docker-username=alice", "--docker-password=pa:ss", "--docker-email=alice@example.com"])
    }

    @Test("a docker-registry secret holds the docker config kubectl 1.11 writes; a second one of that name is refused")
    func createSecret() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try create(f)
        #expect(r.status == 0)
        #expect(r.stdout == "secret/my-registry created\n")
        let type = try f.run("oc", ["get", "secret", "my-registry", "-n", "myapp", "-o", "jsonpath={.type}"])
        #expect(type.stdout == "kubernetes.io/dockerconfigjson")
        let data = try f.run("oc", ["get", "secret/my-registry", "-n", "myapp", "-o", "jsonpath={.data.\\.dockerconfigjson}"])
        let config = String(decoding: Data(base64Encoded: data.stdout) ?? Data(), as: UTF8.self)
        #expect(config.contains("\"my.registry.example.com\""))
        #expect(config.contains("\"auth\": \"\(Data("alice:pa:ss".utf8).base64EncodedString())\""))
        #expect(config.contains("\"email\": \"alice@example.com\""))
        let again = try create(f)
        #expect(again.status == 1)
        #expect(again.stderr == "Error from server (AlreadyExists): secrets \"my-registry\" already exists\n")
        #expect(try f.run("oc", ["get", "secret", "my-registry", "-n", "default"]).stderr
                == "Error from server (NotFound): secrets \"my-registry\" not found\n")
        let missing = try f.run("oc", ["create", "secret", "docker-registry", "x", "--docker-server=r"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error: required flag(s) \"docker-password\", \"docker-username\" not set\n")
        let noNamespace = try create(f, ns: "nowhere")
        #expect(noNamespace.stderr == "Error from server (NotFound): namespaces \"nowhere\" not found\n")
    }

    @Test("link --for=pull adds to imagePullSecrets, link (mount) to secrets; linking twice changes nothing")
    func link() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try create(f).status == 0)
        let before = try f.run("oc", ["get", "sa", "default", "-n", "myapp", "-o", "jsonpath={.imagePullSecrets[*].name}"]).stdout
        #expect(before.hasPrefix("default-dockercfg-"))
        let pull = try f.run("oc", ["secrets", "link", "default", "my-registry", "--for=pull", "-n", "myapp"])
        #expect(pull.status == 0 && pull.stdout == "" && pull.stderr == "")
        #expect(try f.run("oc", ["get", "sa", "default", "-n", "myapp", "-o", "jsonpath={.imagePullSecrets[*].name}"]).stdout
                == before + " my-registry")
        #expect(!(try f.run("oc", ["get", "sa", "default", "-n", "myapp", "-o", "jsonpath={.secrets[*].name}"]).stdout.contains("my-registry")))
        #expect(try f.run("oc", ["secrets", "link", "default", "my-registry", "--for=pull", "-n", "myapp"]).status == 0)
        #expect(try f.run("oc", ["get", "sa", "default", "-n", "myapp", "-o", "jsonpath={.imagePullSecrets[*].name}"]).stdout
                == before + " my-registry")
        #expect(try f.run("oc", ["secrets", "link", "builder", "my-registry", "-n", "myapp"]).status == 0)
        #expect(try f.run("oc", ["get", "sa", "builder", "-n", "myapp", "-o", "jsonpath={.secrets[*].name}"]).stdout.hasSuffix(" my-registry"))
        let both = try f.run("oc", ["get", "sa", "default", "builder", "-n", "myapp",
                                    "-o", "jsonpath={.items[*].secrets[*].name} {.items[*].imagePullSecrets[*].name}"])
        #expect(both.stdout.split(separator: " ").filter { $0 == "my-registry" }.count == 2)
    }

    @Test("link refuses a missing secret or account; unlink removes the link and the account is fresh again")
    func linkErrorsAndUnlink() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let none = try f.run("oc", ["secrets", "link", "default", "absent", "-n", "myapp"])
        #expect(none.status == 1)
        #expect(none.stderr == "secret \"absent\" not found\nerror: No valid secrets found\n")
        #expect(try create(f).status == 0)
        #expect(try f.run("oc", ["secrets", "link", "nobody", "my-registry", "-n", "myapp"]).stderr
                == "Error from server (NotFound): serviceaccounts \"nobody\" not found\n")
        let notLinked = try f.run("oc", ["secrets", "unlink", "default", "my-registry", "-n", "myapp"])
        #expect(notLinked.status == 1)
        #expect(notLinked.stderr == "error: No valid secrets found or secrets not linked to service account\n")
        #expect(try f.run("oc", ["secrets", "link", "default", "my-registry", "--for=pull,mount", "-n", "myapp"]).status == 0)
        #expect(try f.run("oc", ["secrets", "unlink", "default", "my-registry", "-n", "myapp"]).status == 0)
        #expect(try f.state().objects?.contains { $0.kind == "ServiceAccount" } == false)
        let deleted = try f.run("oc", ["delete", "secret", "my-registry", "-n", "myapp"])
        #expect(deleted.stdout == "secret \"my-registry\" deleted\n")
        #expect(try f.state().objects == nil)
        #expect(try f.run("oc", ["delete", "secret", "my-registry", "-n", "myapp"]).status == 1)
    }

    @Test("a created service account has a token naming it; add-role-to-user binds it, remove-role-from-user keeps the empty binding")
    func serviceAccountTokenAndRole() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let made = try f.run("oc", ["create", "serviceaccount", "puller", "-n", "myapp"])
        #expect(made.stdout == "serviceaccount/puller created\n")
        #expect(try f.run("oc", ["create", "sa", "puller", "-n", "myapp"]).stderr
                == "Error from server (AlreadyExists): serviceaccounts \"puller\" already exists\n")
        let token = try f.run("oc", ["sa", "get-token", "puller", "-n", "myapp"]).stdout
        let claims = token.split(separator: ".")[1]
        var padded = claims.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        #expect(String(decoding: Data(base64Encoded: padded) ?? Data(), as: UTF8.self).contains("\"sub\":\"system:serviceaccount:myapp:puller\""))
        let add = try f.run("oc", ["adm", "policy", "add-role-to-user", "registry-editor", "-z", "puller", "-n", "myapp"])
        #expect(add.stdout == "role \"registry-editor\" added: \"puller\"\n")
        #expect(try f.run("oc", ["get", "rolebinding", "registry-editor", "-n", "myapp", "-o", "jsonpath={.subjects[*].name}"]).stdout == "puller")
        let remove = try f.run("oc", ["adm", "policy", "remove-role-from-user", "registry-editor", "-z", "puller", "-n", "myapp"])
        #expect(remove.stdout == "role \"registry-editor\" removed: \"puller\"\n")
        let kept = try f.run("oc", ["get", "rolebinding", "registry-editor", "-n", "myapp", "-o", "jsonpath={.roleRef.name}:{.subjects[*].name}"])
        #expect(kept.status == 0 && kept.stdout == "registry-editor:")
        #expect(try f.run("oc", ["adm", "policy", "remove-role-from-user", "registry-viewer", "-z", "puller", "-n", "myapp"]).stderr
                == "error: unable to locate RoleBinding for /registry-viewer\n")
        #expect(try f.run("oc", ["delete", "serviceaccount", "puller", "-n", "myapp"]).stdout == "serviceaccount \"puller\" deleted\n")
        #expect(try f.run("oc", ["get", "sa", "puller", "-n", "myapp"]).status == 1)
        #expect(try f.run("oc", ["delete", "sa", "default", "-n", "myapp"]).status == 1)
    }
}
