/// The maturity tiers a principal chooses for a school (`edu-tiers.yaml`).
public struct EduTierPolicy: PolicyDocument, Codable {
    public static let fileName = "edu-tiers.yaml"

    /// The tier a new school gets until its principal decides.
    public var defaultTier: String
    /// In file order, from most to least restricted.
    public var tiers: [EduTier]

    /// Builds a policy in code.
    public init(defaultTier: String, tiers: [EduTier]) {
        self.defaultTier = defaultTier
        self.tiers = tiers
    }

    /// The tier with this id.
    public func tier(_ id: String) -> EduTier? {
        tiers.first { $0.id == id }
    }

    public static func read(from root: PolicyValue) -> EduTierPolicy? {
        root.mapping { m in
            let defaultValue = m.required("defaultTier")
            let defaultTier = defaultValue?.identifier("a tier id")
            let tiers = m.required("tiers")?.mapping { t -> [EduTier] in
                var result: [EduTier] = []
                for entry in t.entries() {
                    guard let id = entry.keyValue.identifier("a tier id") else { continue }
                    let tier = entry.value.mapping { d -> EduTier? in
                        let description = d.required("description")?.string("a description for principals")
                        let selfInstall = d.required("selfInstall")?.bool()
                        let fastChannel = d.required("fastChannel")?.bool()
                        let cadence = d.required("updateCadence")?.choice(UpdateCadence.self, "an update cadence")
                        let categoriesValue = d.required("appCategories")
                        let categories = categoriesValue?.list { $0.identifier("an app category") }
                        if fastChannel == true && selfInstall == false {
                            d.value.report("a tier with fastChannel: true must also have selfInstall: true, "
                                + "because fast-channel versions reach devices through self-install")
                        }
                        if categoriesValue?.isEmptyList == true { categoriesValue?.expected("at least one app category") }
                        guard let description, let selfInstall, let fastChannel, let cadence, let categories else { return nil }
                        return EduTier(id: id, description: description, selfInstall: selfInstall,
                                       fastChannel: fastChannel, updateCadence: cadence, appCategories: categories)
                    }
                    if let tier { result.append(tier) }
                }
                if t.keys.isEmpty { t.value.report("expected at least one tier") }
                return result
            }
            if let defaultTier, let defaultValue, let tiers, !tiers.isEmpty, !tiers.contains(where: { $0.id == defaultTier }) {
                defaultValue.expected("one of the tiers below: \(tiers.map(\.id).joined(separator: ", "))",
                                      hint: Suggestion.nearest(to: defaultTier, in: tiers.map(\.id)).map { "did you mean '\($0)'?" })
                return nil
            }
            guard let defaultTier, let tiers else { return nil }
            return EduTierPolicy(defaultTier: defaultTier, tiers: tiers)
        }
    }
}

/// How often apps on a school's whitelist are updated.
public enum UpdateCadence: String, Sendable, Codable, CaseIterable {
    /// Updated centrally once a month, in the edu maintenance window.
    case centralMonthly = "central-monthly"
    /// Updated weekly, in the edu maintenance window.
    case weekly
    /// A new approved version may be installed as soon as it is published.
    case asReleased = "as-released"
}

/// One tier: what schools in it may do.
public struct EduTier: Sendable, Equatable, Codable {
    /// The name principals choose (`locked`, `standard`, `open`).
    public var id: String
    public var description: String
    /// Teachers and school admins may order installs from the whitelist themselves.
    public var selfInstall: Bool
    /// A newer version of a whitelisted app from the same publisher and signer may be installed without a
    /// new central approval, within the approved licence scope.
    public var fastChannel: Bool
    /// How often whitelisted apps are updated.
    public var updateCadence: UpdateCadence
    /// Catalog categories whose edu-approved apps the tier allows (the `category` of a catalog manifest).
    public var appCategories: [String]

    /// Builds a tier in code.
    public init(id: String, description: String, selfInstall: Bool, fastChannel: Bool,
                updateCadence: UpdateCadence, appCategories: [String]) {
        self.id = id
        self.description = description
        self.selfInstall = selfInstall
        self.fastChannel = fastChannel
        self.updateCadence = updateCadence
        self.appCategories = appCategories
    }
}
