import Foundation

/// Real Windows installers for the install-sandbox tests, built with makensis in the test.
public enum WindowsInstallers {
    /// A 32-bit NSIS installer named `NAME.exe` that installs `app.txt` and `readme.txt` into
    /// `$PROGRAMFILES\NAME`, writes an uninstaller and an Add/Remove Programs entry (version `version`), and runs
    /// `extraInstall` lines; its uninstaller removes everything, or forgets `readme.txt` when `leaky`.
    public static func nsis(in dir: TemporaryDirectory, name: String, version: String = "1.5.0", leaky: Bool = false,
                            extraInstall: String = "", extraUninstall: String = "") throws -> URL {
        try dir.write("app.txt", "hello from Depot\n")
        try dir.write("readme.txt", "read me\n")
        try dir.write("\(name).nsi", """
            Name "\(name)"
            OutFile "\(name).exe"
            InstallDir "$PROGRAMFILES\\\(name)"
            RequestExecutionLevel admin
            VIProductVersion "\(version).0"
            VIAddVersionKey "ProductName" "\(name)"
            VIAddVersionKey "ProductVersion" "\(version)"
            VIAddVersionKey "FileVersion" "\(version).0"
            VIAddVersionKey "CompanyName" "City of Test"
            VIAddVersionKey "FileDescription" "\(name) installer"
            VIAddVersionKey "LegalCopyright" "(c) City of Test"
            !define KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\\(name)"
            Section
              SetOutPath $INSTDIR
              File app.txt
              File readme.txt
              WriteUninstaller "$INSTDIR\\uninstall.exe"
              WriteRegStr HKLM "${KEY}" "DisplayName" "\(name)"
              WriteRegStr HKLM "${KEY}" "DisplayVersion" "\(version)"
              WriteRegStr HKLM "${KEY}" "Publisher" "City of Test"
              WriteRegStr HKLM "${KEY}" "UninstallString" '"$INSTDIR\\uninstall.exe"'
              \(extraInstall)
            SectionEnd
            Section "Uninstall"
              Delete "$INSTDIR\\app.txt"
              \(leaky ? "" : "Delete \"$INSTDIR\\readme.txt\"")
              Delete "$INSTDIR\\uninstall.exe"
              RMDir "$INSTDIR"
              DeleteRegKey HKLM "${KEY}"
              \(extraUninstall)
            SectionEnd
            """)
        try Tools.require("makensis", ["-V1", "\(name).nsi"], in: dir.url)
        return dir.file("\(name).exe")
    }
}
