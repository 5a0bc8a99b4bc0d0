import Foundation

/// The silent command lines for each installer framework, in Windows syntax.
enum InstallCommands {
    /// Where Depot puts the installer and its logs inside the prefix.
    static let workFolder = "C:\\depot"

    /// The silent install command, or nil with the reason when none is known.
    static func install(_ job: InstallTestJob) -> (command: String?, log: String?, problem: String?) {
        let installer = "\(workFolder)\\\(job.fileName)"
        let log = "\(workFolder)\\install.log"
        let override = job.silentSwitch?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        switch job.installerType {
        case "msi":
            return ("msiexec /i \"\(installer)\" /qn /norestart /l*v \"\(log)\"" + (override.map { " " + $0 } ?? ""), log, nil)
        case "nsis":
            return ("\"\(installer)\" \(override ?? "/S")", nil, nil)
        case "inno":
            return ("\"\(installer)\" \(override ?? "/VERYSILENT /SUPPRESSMSGBOXES /NORESTART") /LOG=\"\(log)\"", log, nil)
        case "burn":
            return ("\"\(installer)\" \(override ?? "/quiet /norestart") /log \"\(log)\"", log, nil)
        case "installshield":
            return ("\"\(installer)\" \(override ?? "/s /v\"/qn /norestart\"")", nil, nil)
        case "exe":
            guard let override else {
                return (nil, nil, "no silent switch is known for this exe; set one on the program (silentSwitch) and test again")
            }
            return ("\"\(installer)\" \(override)", nil, nil)
        default:
            return (nil, nil, "Wine cannot test \(job.installerType) packages; record a manual test ('depot test ID --passed --notes …')")
        }
    }

    /// The silent uninstall command for an observed Add/Remove Programs entry: the MSI ProductCode, else the
    /// QuietUninstallString, else the UninstallString with the framework's silent switch.
    static func uninstall(_ entry: UninstallEntry, installerType: String) -> String? {
        let log = "\(workFolder)\\uninstall.log"
        if let code = entry.productCode, entry.uninstallString?.lowercased().contains("msiexec") ?? true {
            return "msiexec /x \(code) /qn /norestart /l*v \"\(log)\""
        }
        if let quiet = entry.quietUninstallString?.nilIfEmpty { return quiet }
        guard let plain = entry.uninstallString?.nilIfEmpty else { return nil }
        if plain.lowercased().contains("msiexec") {
            let code = plain.range(of: "\\{[0-9A-Fa-f-]{36}\\}", options: .regularExpression).map { String(plain[$0]) }
            return code.map { "msiexec /x \($0) /qn /norestart /l*v \"\(log)\"" }
        }
        let quoted = plain.hasPrefix("\"") || !plain.contains(" ") || plain.lowercased().contains(".exe ")
            ? plain : "\"\(plain)\""
        switch installerType {
        case "nsis": return "\(quoted) /S"
        case "inno": return "\(quoted) /VERYSILENT /SUPPRESSMSGBOXES /NORESTART"
        case "burn": return "\(quoted) /quiet /norestart"
        case "installshield": return "\(quoted) /s"
        default: return "\(quoted) /S"
        }
    }

    /// A batch file that runs `command` and writes its full 32-bit exit code to `exitFile`
    /// (the Unix exit status of Wine keeps only the low 8 bits, and 1603 must read as 1603).
    static func batch(_ command: String, exitFile: String) -> String {
        // Inside a batch file a single % starts a variable.
        let escaped = command.replacingOccurrences(of: "%", with: "%%")
        return ["@echo off", escaped, "echo %ERRORLEVEL%> \"\(exitFile)\"", ""].joined(separator: "\r\n")
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
