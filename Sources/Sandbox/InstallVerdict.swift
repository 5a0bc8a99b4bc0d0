import Foundation

/// Judges a test from its observations, the same way for every runner.
enum InstallVerdict {
    static let programFiles = ["c:\\program files\\", "c:\\program files (x86)\\"]

    /// Windows Installer's meaning of the commonest exit codes.
    static let exitCodeMeanings: [Int: String] = [
        1602: "cancelled by the user", 1603: "fatal error during installation", 1618: "another installation is in progress",
        1619: "the package could not be opened", 1620: "the package could not be opened", 1625: "forbidden by system policy",
        1633: "this platform is not supported", 1638: "another version of this product is already installed",
        1639: "invalid command line argument",
    ]

    /// Every check that did not hold, as a sentence naming what was seen.
    static func reasons(_ e: InstallTestEvidence, limit: Int) -> [String] {
        var reasons: [String] = []
        if e.install.timedOut {
            reasons.append("the install did not end within \(limit) s; it was killed with its child processes")
        } else if !e.install.succeeded {
            reasons.append("exit code \(describe(e.install.exitCode))" + logHint(e.install.logTail))
        }
        if e.processesLeft > 0 {
            reasons.append("\(e.processesLeft) process(es) of the test were still running after it ended")
        }
        for path in e.writesOutsidePrefix.prefix(5) {
            reasons.append("the installer wrote outside its prefix: \(path) (the sandbox kept it from the host)")
        }
        guard e.install.succeeded else { return reasons }
        let entries = e.installChanges.uninstallEntries
        if entries.isEmpty {
            reasons.append("no Add/Remove Programs entry")
        } else if let expected = e.expectedVersion,
                  !entries.contains(where: { versionsMatch($0.displayVersion, expected) }) {
            let seen = entries.map { "'\($0.displayVersion ?? "none")'" }.joined(separator: ", ")
            reasons.append("the Add/Remove Programs entry says version \(seen); the package is \(expected)")
        }
        if let rule = e.detectionRule {
            if !e.detectedAfterInstall { reasons.append("the detection rule (\(rule.summary)) does not hold after the install") }
            if e.detectedAfterUninstall == true {
                reasons.append("the detection rule (\(rule.summary)) still holds after the uninstall")
            }
        } else {
            reasons.append("no detection rule: the install added no uninstall entry and nothing under Program Files")
        }
        if let uninstall = e.uninstall {
            if uninstall.timedOut {
                reasons.append("the uninstall did not end within \(limit) s; it was killed with its child processes")
            } else if !uninstall.succeeded {
                reasons.append("uninstall exit code \(describe(uninstall.exitCode))" + logHint(uninstall.logTail))
            }
        } else if !entries.isEmpty {
            reasons.append("no way to uninstall: the entry has no UninstallString and no ProductCode")
        }
        let leftFiles = e.leftovers.files.filter { path in programFiles.contains { path.lowercased().hasPrefix($0) } }
        for (folder, files) in Dictionary(grouping: leftFiles, by: folderOf).sorted(by: { $0.key < $1.key }).prefix(5) {
            let names = files.prefix(5).map { String($0.split(separator: "\\").last ?? "") }.joined(separator: ", ")
            reasons.append("left \(files.count) file\(files.count == 1 ? "" : "s") in \(folder): \(names)"
                + (files.count > 5 ? ", …" : ""))
        }
        let leftKeys = e.leftovers.registryKeys.filter { SnapshotDiff.uninstallEntry(key: $0, values: [:]) != nil }
        for key in leftKeys.prefix(5) { reasons.append("left the uninstall key \(key)") }
        return reasons
    }

    /// Facts that make packaging complex, in the classification's words.
    static func complexity(_ e: InstallTestEvidence) -> [String] {
        let suffix = " (observed during the install test)"
        let c = e.installChanges
        var facts: [String] = []
        for service in c.services {
            facts.append((service.kind == "driver" ? "installs the driver \(service.name)" : "creates the service \(service.name)") + suffix)
        }
        if !c.autostarts.isEmpty {
            facts.append("adds \(c.autostarts.count) autostart entr\(c.autostarts.count == 1 ? "y" : "ies"): "
                + c.autostarts.prefix(3).joined(separator: "; ") + suffix)
        }
        if e.install.rebootRequested {
            facts.append("asks for a restart (exit code \(e.install.exitCode ?? 0))" + suffix)
        } else if c.rebootScheduled {
            facts.append("schedules file changes for the next restart" + suffix)
        }
        if !c.perUserRegistryKeys.isEmpty {
            facts.append("writes \(c.perUserRegistryKeys.count) key\(c.perUserRegistryKeys.count == 1 ? "" : "s") into the "
                + "installing user's registry (\(c.perUserRegistryKeys[0]))" + suffix)
        }
        return facts
    }

    static func describe(_ code: Int?) -> String {
        guard let code else { return "none (killed)" }
        return exitCodeMeanings[code].map { "\(code) (\($0))" } ?? String(code)
    }

    /// Points at the log line that says what went wrong, when the tail has one.
    static func logHint(_ tail: [String]) -> String {
        let markers = ["return value 3", "error", "failed", "fatal"]
        for marker in markers {
            if let line = tail.first(where: { $0.lowercased().contains(marker) }) {
                return ": see log line '\(line.trimmingCharacters(in: .whitespaces).prefix(200))'"
            }
        }
        return tail.isEmpty ? "" : ": see the log tail"
    }

    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "\\") else { return path }
        return String(path[..<slash])
    }

    /// `1.5.0` matches `1.5.0.0`: trailing zero parts do not count.
    static func versionsMatch(_ seen: String?, _ expected: String) -> Bool {
        guard let seen else { return false }
        func parts(_ v: String) -> [String] {
            var p = v.trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
            while p.count > 1, let last = p.last, Int(last) == 0 { p.removeLast() }
            return p
        }
        return parts(seen) == parts(expected)
    }
}
