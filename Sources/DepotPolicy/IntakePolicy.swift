/// Limits that keep intake safe from oversized and hostile installers (`intake.yaml`).
public struct IntakePolicy: PolicyDocument, Codable {
    public static let fileName = "intake.yaml"

    /// Largest installer accepted, in bytes; larger uploads are refused (HTTP 413) before they are stored.
    public var maxInstallerBytes: Int64
    /// Largest total size of all entries once unpacked, in bytes.
    public var maxUncompressedBytes: Int64
    /// Largest ratio of unpacked to packed size for one entry or the whole archive (zip bombs exceed it).
    public var maxCompressionRatio: Int
    /// Most entries in one installer, nested archives included.
    public var maxEntries: Int
    /// Longest entry path in bytes.
    public var maxPathLength: Int
    /// Deepest nesting of archives inside archives (a bundle holding packages is depth 1).
    public var maxNestingDepth: Int
    /// Largest metadata file (manifest, nuspec, control, METADATA) read into memory.
    public var maxMetadataBytes: Int64
    /// Installers larger than this show a progress bar when stderr is a terminal.
    public var progressThresholdBytes: Int64
    /// Bytes a reader may read from disk, as a multiple of the installer's size (shared or looping structures
    /// make a reader read the same bytes again and again).
    public var maxReadMultiple: Int
    /// Rows one MSI table may hold.
    public var maxMsiTableRows: Int
    /// Index entries (tags) one RPM header may hold.
    public var maxRpmHeaderTags: Int
    /// Examples one kind of warning lists before "and N more".
    public var maxWarningExamples: Int
    /// Wall-clock seconds reading one installer may take.
    public var maxSecondsPerInstaller: Int

    /// The values shipped in `Policies/intake.yaml`, so tests and tools can use them without the file.
    public init(
        maxInstallerBytes: Int64 = 8 << 30, maxUncompressedBytes: Int64 = 32 << 30, maxCompressionRatio: Int = 200,
        maxEntries: Int = 250_000, maxPathLength: Int = 1024, maxNestingDepth: Int = 3,
        maxMetadataBytes: Int64 = 16 << 20, progressThresholdBytes: Int64 = 50_000_000,
        maxReadMultiple: Int = 4, maxMsiTableRows: Int = 100_000, maxRpmHeaderTags: Int = 65_535,
        maxWarningExamples: Int = 5, maxSecondsPerInstaller: Int = 300
    ) {
        self.maxInstallerBytes = maxInstallerBytes
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxEntries = maxEntries
        self.maxPathLength = maxPathLength
        self.maxNestingDepth = maxNestingDepth
        self.maxMetadataBytes = maxMetadataBytes
        self.progressThresholdBytes = progressThresholdBytes
        self.maxReadMultiple = maxReadMultiple
        self.maxMsiTableRows = maxMsiTableRows
        self.maxRpmHeaderTags = maxRpmHeaderTags
        self.maxWarningExamples = maxWarningExamples
        self.maxSecondsPerInstaller = maxSecondsPerInstaller
    }

    public static func read(from root: PolicyValue) -> IntakePolicy? {
        root.mapping { m in
            let installer = m.required("maxInstallerBytes")?.byteSize()
            let uncompressed = m.required("maxUncompressedBytes")?.byteSize()
            let ratio = m.required("maxCompressionRatio")?.int(in: 1...1_000_000)
            let entries = m.required("maxEntries")?.int(in: 1...100_000_000, "a number of entries")
            let pathLength = m.required("maxPathLength")?.int(in: 1...65_536, "a number of bytes")
            let nesting = m.required("maxNestingDepth")?.int(in: 0...16, "a nesting depth")
            let metadata = m.required("maxMetadataBytes")?.byteSize()
            let progress = m.required("progressThresholdBytes")?.byteSize(atLeast: 0)
            // Reader budgets: optional, so an intake.yaml written before they existed still loads with the defaults.
            let defaults = IntakePolicy()
            let readMultiple = m.optional("maxReadMultiple")?.int(in: 1...1000, "a multiple of the installer's size")
            let tableRows = m.optional("maxMsiTableRows")?.int(in: 1...100_000_000, "a number of rows")
            let rpmTags = m.optional("maxRpmHeaderTags")?.int(in: 1...10_000_000, "a number of tags")
            let examples = m.optional("maxWarningExamples")?.int(in: 1...1000, "a number of examples")
            let seconds = m.optional("maxSecondsPerInstaller")?.int(in: 1...86_400, "a number of seconds")
            guard let installer, let uncompressed, let ratio, let entries, let pathLength, let nesting,
                  let metadata, let progress else { return nil }
            return IntakePolicy(
                maxInstallerBytes: installer, maxUncompressedBytes: uncompressed, maxCompressionRatio: ratio,
                maxEntries: entries, maxPathLength: pathLength, maxNestingDepth: nesting,
                maxMetadataBytes: metadata, progressThresholdBytes: progress,
                maxReadMultiple: readMultiple ?? defaults.maxReadMultiple,
                maxMsiTableRows: tableRows ?? defaults.maxMsiTableRows,
                maxRpmHeaderTags: rpmTags ?? defaults.maxRpmHeaderTags,
                maxWarningExamples: examples ?? defaults.maxWarningExamples,
                maxSecondsPerInstaller: seconds ?? defaults.maxSecondsPerInstaller)
        }
    }
}
