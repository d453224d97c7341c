import Testing
import RunbookCore

@Suite struct INIInventoryTests {
    /// The shape of the guide's /etc/ansible/hosts.
    let guideHosts = """
        # Create an OSEv3 group that contains the masters, nodes, and etcd groups
        [OSEv3:children]
        masters
        nodes
        etcd
        new_etcd

        ; Set variables common for all OSEv3 hosts
        [OSEv3:vars]
        ansible_ssh_user=root
        openshift_deployment_type=openshift-enterprise

        [masters]
        master[1:3].example.com

        [etcd]
        master1.example.com
        master2.example.com
        master3.example.com

        [new_etcd]
        etcd4.example.com ansible_host=10.0.0.14 ansible_port=2222 ansible_become=true

        [nodes]
        master[1:3].example.com openshift_node_group_name='node-config-master'
        infra-node[01:02].example.com openshift_node_group_name="node-config-infra"
        local.example.com ansible_connection=local ansible_ssh_private_key_file=/root/.ssh/id_rsa

        """

    @Test func readsTheGuideInventory() throws {
        let inv = try InventoryLoader.parse(guideHosts, file: "hosts")
        #expect(inv.hosts.map(\.name) == ["master1.example.com", "master2.example.com", "master3.example.com", "etcd4.example.com",
                                          "infra-node01.example.com", "infra-node02.example.com", "local.example.com"])
        #expect(inv.groups["masters"] == ["master1.example.com", "master2.example.com", "master3.example.com"])
        #expect(inv.groups["new_etcd"] == ["etcd4.example.com"])
        #expect(inv.groups["OSEv3"]?.count == 7)
        #expect(inv.groups["all"]?.count == 7)
        let m1 = try #require(inv.host("master1.example.com"))
        #expect(m1.user == "root")
        #expect(m1.vars["openshift_node_group_name"] == .string("node-config-master"))
        #expect(m1.vars["openshift_deployment_type"] == .string("openshift-enterprise"))
        let e4 = try #require(inv.host("etcd4.example.com"))
        #expect(e4.address == "10.0.0.14")
        #expect(e4.port == 2222)
        #expect(e4.become)
        #expect(e4.transport == .ssh)
        #expect(inv.host("infra-node02.example.com")?.vars["openshift_node_group_name"] == .string("node-config-infra"))
        let local = try #require(inv.host("local.example.com"))
        #expect(local.transport == .local)
        #expect(local.identityFile == "/root/.ssh/id_rsa")
    }

    @Test func hostVarsWinOverGroupVars() throws {
        let inv = try InventoryLoader.parse("[all:vars]\nzone=a\n[g]\nh1 zone=b\nh2\n", file: "hosts")
        #expect(inv.host("h1")?.vars["zone"] == .string("b"))
        #expect(inv.host("h2")?.vars["zone"] == .string("a"))
    }

    @Test func errorsArePositioned() {
        let text = "[masters\n[g:kids]\n[g]\nh1 ansible_port=ssh\nnode[3:1]\n[g:vars]\nnovalue\n[p:children]\nnosuch\n"
        do {
            _ = try InventoryLoader.parse(text, file: "hosts")
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "hosts:1:1: error: host range '[masters' is missing ']'",
                "hosts:2:1: error: unknown section kind ':kids'",
                "hosts:4:4: error: ansible_port must be a port number (1-65535), found 'ssh'",
                "hosts:5:1: error: host range 'node[3:1]' goes backwards",
                "hosts:7:1: error: expected key=value in [g:vars], found 'novalue'",
                "hosts:9:1: error: group 'p' lists unknown child group 'nosuch'",
            ])
        }
    }
}
