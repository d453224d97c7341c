import RunbookYAML

/// Renders one action for one host and item as the plan shows it: the exact command (redacted)
/// or a description, and a diff for file actions when the current file can be read.
struct ActionDescriber {
    let context: EvaluationContext
    let host: InventoryHost
    let fileReader: Planner.FileReader

    init(context: EvaluationContext, host: InventoryHost, fileReader: @escaping Planner.FileReader) {
        self.context = context
        self.host = host
        self.fileReader = fileReader
    }

    func describe(_ action: Action, host name: String, item: String?) throws(Diagnostic) -> PlannedInvocation {
        switch action {
        case .run(let t):
            return PlannedInvocation(host: name, item: item, command: try shell(t))
        case .check(let c):
            return try describe(c, host: name, item: item, wait: false)
        case .wait(let c):
            return try describe(c, host: name, item: item, wait: true)
        case .confirm(let c):
            let prompt = try text(c.prompt), answer = try text(c.answer)
            return PlannedInvocation(host: name, item: item, detail: "ask the operator: \(prompt) (answer '\(answer)' to go on)")
        case .use(let u):
            var parts: [String] = []
            for (key, value) in u.with { parts.append("\(key)=\(try text(value))") }
            let with = parts.isEmpty ? "" : " with " + parts.joined(separator: ", ")
            return PlannedInvocation(host: name, item: item, detail: "run runbook '\(u.reference)'\(with)")
        case .file(let f):
            return try describe(f, host: name, item: item)
        }
    }

    func describe(_ r: RollbackAction, host name: String, item: String?) throws(Diagnostic) -> PlannedInvocation {
        switch r {
        case .run(let t): PlannedInvocation(host: name, item: item, command: try shell(t))
        case .file(let f): try describe(f, host: name, item: item)
        }
    }

    func describe(_ c: Condition, host name: String, item: String?, wait: Bool) throws(Diagnostic) -> PlannedInvocation {
        var expects: [String] = []
        let e = c.expect
        expects.append("exit \(e.exit)")
        if let t = e.stdoutContains { expects.append("stdout contains '\(try text(t))'") }
        if let t = e.stdoutNotContains { expects.append("stdout does not contain '\(try text(t))'") }
        if let r = e.stdoutMatches { expects.append("stdout matches /\(r)/") }
        if let r = e.stdoutNotMatches { expects.append("stdout does not match /\(r)/") }
        if let t = e.stderrContains { expects.append("stderr contains '\(try text(t))'") }
        if let r = e.stderrMatches { expects.append("stderr matches /\(r)/") }
        if let j = e.json {
            switch j.test {
            case .equals(let t): expects.append("json \(j.path) == '\(try text(t))'")
            case .oneOf(let ts):
                var vs: [String] = []
                for t in ts { vs.append(try text(t)) }
                expects.append("json \(j.path) in [\(vs.joined(separator: ", "))]")
            case .exists(let b): expects.append("json \(j.path) \(b ? "exists" : "does not exist")")
            }
        }
        var detail = "expect " + expects.joined(separator: ", ")
        if wait || c.timeout != nil {
            detail += "; poll every \(c.interval?.description ?? "5s") for up to \(c.timeout?.description ?? "?")"
        }
        return PlannedInvocation(host: name, item: item, command: try shell(c.command), detail: detail)
    }

    private func describe(_ f: FileAction, host name: String, item: String?) throws(Diagnostic) -> PlannedInvocation {
        switch f {
        case .edit(let pathT, let edits, let optional):
            let path = try text(pathT)
            let rendered = try RenderedFileEdit.render(edits, in: context)
            let shown = try RenderedFileEdit.render(edits, in: context, redacted: true)
            let detail = "edit \(path): " + shown.enumerated().map { $1.summary + (optional.contains($0) ? " (optional)" : "") }
                .joined(separator: "; ")
            var diff: String? = nil
            // A diff of an edit built from secrets would show them: only the description is given then.
            if rendered == shown, let current = fileReader(host, path) {
                let result = try FileEditor.applyReporting(rendered, to: current)
                diff = UnifiedDiff.make(old: current, new: result.content, oldName: "a\(path)", newName: "b\(path)")
                if diff == "" { diff = "(no change: the file already has these edits)" }
                // Why the engine's `FileEdits.apply` would refuse this edit; each reason is shown.
                var failures: [String] = []
                let missed = result.unmatched.filter { !optional.contains($0) }
                if !missed.isEmpty { failures.append(missed.map { shown[$0].summary }.joined(separator: "; ") + " matches nothing") }
                if FileEdits.isYAML(path), let problem = FileEdits.yamlProblem(result.content) {
                    failures.append("the edited file is not valid YAML: \(problem)")
                }
                let notes = failures.map { "(would fail: \($0))" }
                if !notes.isEmpty {
                    diff = result.content == current ? notes.joined(separator: "\n") : (diff ?? "") + notes.map { $0 + "\n" }.joined()
                }
            }
            return PlannedInvocation(host: name, item: item, detail: detail, diff: diff)
        case .copy(let a, let b):
            return PlannedInvocation(host: name, item: item, detail: "copy \(try text(a)) to \(try text(b)) (the destination is snapshotted)")
        case .move(let a, let b):
            return PlannedInvocation(host: name, item: item, detail: "move \(try text(a)) to \(try text(b))")
        case .archive(let paths, let to):
            var ps: [String] = []
            for p in paths { ps.append(try text(p)) }
            let command = try resolver.archiveCommand(paths: paths, to: to, in: context)
            return PlannedInvocation(host: name, item: item, command: command.redacted,
                                     detail: "archive \(ps.joined(separator: " ")) into \(try text(to))")
        case .write(let pathT, let contentT):
            let path = try text(pathT)
            let content = try resolver.text(contentT, in: context)
            var diff: String? = nil
            if let current = fileReader(host, path), content.secrets.isEmpty {
                diff = UnifiedDiff.make(old: current, new: content.text, oldName: "a\(path)", newName: "b\(path)")
            }
            // A size counted on a placeholder would be a made-up number: say when the content is decided.
            let what = content.hasRunTimeValues ? "content known at run time (\(content.redacted.debugDescription))" : "\(content.text.utf8.count) bytes"
            return PlannedInvocation(host: name, item: item, detail: "write \(what) to \(path)", diff: diff)
        case .fetch(let from, let to, let passphrase):
            // An empty passphrase means no encryption; a value known only at run time may be either.
            var encrypted = false, maybe = false
            if let passphrase {
                let rendered = try resolver.text(passphrase, in: context)
                if rendered.hasRunTimeValues { maybe = true } else { encrypted = !rendered.text.isEmpty }
            }
            let suffix = encrypted ? FileAction.encryptedSuffix : maybe ? "[\(FileAction.encryptedSuffix) if the passphrase is set]" : ""
            let how = encrypted || maybe ? "; encrypted on arrival with openssl enc -aes-256-cbc -pbkdf2\(maybe ? " if the passphrase is set" : "")" : ""
            return PlannedInvocation(
                host: name, item: item,
                detail: "fetch \(name):\(try text(from)) to \(try text(to))\(suffix) on the machine running runbook (mode 0600\(how); "
                    + "an existing different file is refused; at most \(FileAction.fetchLimitDescription); rollback keeps the fetched file)")
        }
    }

    /// Commands and texts are rendered by the resolver the engine uses.
    private var resolver: StepResolver { StepResolver(inventory: context.inventory) }
    private func shell(_ t: Template) throws(Diagnostic) -> String { try resolver.command(t, in: context).redacted }
    private func text(_ t: Template) throws(Diagnostic) -> String { try resolver.text(t, in: context).redacted }
}
