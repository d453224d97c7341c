import Foundation
import Testing
import RunbookYAML
import RunbookCore

@Suite struct FileEditorTests {
    let etcdConf = "ETCD_NAME=m1\nETCD_INITIAL_CLUSTER=m1=https://10.0.0.1:2380\n# end\n"

    @Test func appliesEditsInOrder() throws {
        let out = try FileEditor.apply([
            .setKey(key: "ETCD_INITIAL_CLUSTER", value: "m1=a,m4=b"),
            .setKey(key: "ETCD_NEW", value: "1"),
            .replace(pattern: "^ETCD_NAME=(.*)$", with: "ETCD_NAME=$1-x"),
            .ensureLine("# top", after: "^ETCD_NAME="),
            .ensureLine("# end", after: nil),
            .deleteLines(matching: "^# end$"),
        ], to: etcdConf)
        #expect(out == "ETCD_NAME=m1-x\n# top\nETCD_INITIAL_CLUSTER=m1=a,m4=b\nETCD_NEW=1\n")
    }

    @Test func invalidPatternIsAnError() {
        #expect(throws: Diagnostic.self) { try FileEditor.apply([.deleteLines(matching: "(")], to: "x\n") }
    }

    @Test func diffHasHunksWithContext() {
        let old = (1...12).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 2\n", with: "line two\n").replacingOccurrences(of: "line 11\n", with: "")
        #expect(UnifiedDiff.make(old: old, new: new, oldName: "a/f", newName: "b/f") == """
            --- a/f
            +++ b/f
            @@ -1,5 +1,5 @@
             line 1
            -line 2
            +line two
             line 3
             line 4
             line 5
            @@ -8,5 +8,4 @@
             line 8
             line 9
             line 10
            -line 11
             line 12

            """)
        #expect(UnifiedDiff.make(old: "a\n", new: "a\n", oldName: "x", newName: "y") == "")
    }
}
