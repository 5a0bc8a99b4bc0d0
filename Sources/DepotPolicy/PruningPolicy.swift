/// What leaves the orderable catalog and when (`pruning.yaml`).
public struct PruningPolicy: PolicyDocument, Codable {
    public static let fileName = "pruning.yaml"

    /// Versions kept per program and variant (platform, architecture), newest first.
    public var keepLatestPerVariant: Int
    /// Versions with no order or install for this many months are retired.
    public var retireUnusedAfterMonths: Int
    /// A version installed within this many days is never retired, whatever other rule says.
    public var neverRetireInstalledWithinDays: Int
    /// Days a retired version's installer stays stored (so `depot restore` works) before `depot purge` may delete it.
    public var blobRetentionDays: Int
    /// Whether versions the city refused are retired.
    public var retireRefusedVersions: Bool
    /// Whether versions whose licence or entitlement has ended are retired.
    public var retireEndedLicences: Bool
    /// Platforms with their end of support; a version that runs on none still supported is retired.
    public var platforms: [SupportedPlatform]

    /// Builds a policy in code.
    public init(keepLatestPerVariant: Int, retireUnusedAfterMonths: Int, neverRetireInstalledWithinDays: Int,
                blobRetentionDays: Int, retireRefusedVersions: Bool = true, retireEndedLicences: Bool = true,
                platforms: [SupportedPlatform]) {
        self.keepLatestPerVariant = keepLatestPerVariant
        self.retireUnusedAfterMonths = retireUnusedAfterMonths
        self.neverRetireInstalledWithinDays = neverRetireInstalledWithinDays
        self.blobRetentionDays = blobRetentionDays
        self.retireRefusedVersions = retireRefusedVersions
        self.retireEndedLicences = retireEndedLicences
        self.platforms = platforms
    }

    /// The platform entry for an id such as `windows-10`.
    public func platform(_ id: String) -> SupportedPlatform? {
        platforms.first { $0.id == id }
    }

    public static func read(from root: PolicyValue) -> PruningPolicy? {
        root.mapping { m in
            let keep = m.required("keepLatestPerVariant")?.int(in: 1...100, "a number of versions")
            let unused = m.required("retireUnusedAfterMonths")?.int(in: 1...240, "a number of months")
            let installed = m.required("neverRetireInstalledWithinDays")?.int(in: 0...3650, "a number of days")
            let retention = m.required("blobRetentionDays")?.int(in: 0...36_500, "a number of days")
            let refused = m.required("retireRefusedVersions")?.bool()
            let ended = m.required("retireEndedLicences")?.bool()
            var seen: [String: Int?] = [:]
            let platforms = m.required("platforms")?.list { item in
                item.mapping { p -> SupportedPlatform? in
                    let idValue = p.required("id")
                    let id = idValue?.identifier("a platform id")
                    if let id, let idValue {
                        if let line = seen[id] {
                            idValue.report("platform '\(id)' is already listed" + (line.map { " on line \($0)" } ?? ""))
                        }
                        seen[id] = idValue.line
                    }
                    let name = p.required("name")?.string("the platform's name")
                    let family = p.required("family")?.choice(PlatformFamily.self, "a platform family")
                    let endOfSupport = p.optional("endOfSupport")?.date()
                    guard let id, let name, let family else { return nil }
                    return SupportedPlatform(id: id, name: name, family: family, endOfSupport: endOfSupport)
                }
            }
            guard let keep, let unused, let installed, let retention, let refused, let ended, let platforms else { return nil }
            return PruningPolicy(keepLatestPerVariant: keep, retireUnusedAfterMonths: unused,
                                 neverRetireInstalledWithinDays: installed, blobRetentionDays: retention,
                                 retireRefusedVersions: refused, retireEndedLicences: ended, platforms: platforms)
        }
    }
}

/// The operating-system family a platform belongs to, as inspection reports `platforms`.
public enum PlatformFamily: String, Sendable, Codable, CaseIterable {
    case windows, macos, linux, chromeos, ios, android
}

/// An operating-system release the city runs, and the day its vendor (or the city) stops supporting it.
public struct SupportedPlatform: Sendable, Equatable, Codable {
    /// The platform id used in Catalog/ manifests, e.g. `windows-10`.
    public var id: String
    /// The name people know.
    public var name: String
    /// The family inspection reports for installers that run on it.
    public var family: PlatformFamily
    /// The last supported day; nil while no end is announced.
    public var endOfSupport: CalendarDate?

    /// Builds an entry in code.
    public init(id: String, name: String, family: PlatformFamily, endOfSupport: CalendarDate? = nil) {
        self.id = id
        self.name = name
        self.family = family
        self.endOfSupport = endOfSupport
    }

    /// Supported on a day when no end is set or the day is not after the end.
    public func isSupported(on date: CalendarDate) -> Bool {
        endOfSupport.map { date <= $0 } ?? true
    }
}
