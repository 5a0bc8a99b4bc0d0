import WindowsFormats

/// The bounds intake enforces while it reads an installer, so that no input can exhaust disk, memory or time.
///
/// The expansion limits are checked against both what entries declare and what is actually decompressed,
/// across every nesting level. The compression-ratio check compares the total expansion with
/// `maxCompressionRatio × max(installer size, 1 MiB)`: the 1 MiB floor keeps tiny archives of text,
/// whose ratios are naturally high, from being mistaken for bombs.
public struct InspectionLimits: Sendable, Equatable, Codable {
    /// Largest installer accepted, in bytes.
    public var maxInstallerBytes: Int64
    /// Largest total uncompressed size of all entries at all nesting levels, in bytes.
    public var maxUncompressedBytes: Int64
    /// Largest expansion factor (uncompressed ÷ installer size) before the installer is treated as a bomb.
    public var maxCompressionRatio: Int64
    /// Most entries read, counted over all nesting levels.
    public var maxEntries: Int
    /// Longest entry path, in bytes.
    public var maxPathLength: Int
    /// How deep archives inside archives are opened (appxbundle → msix is 1, deb → data.tar is 1).
    public var maxNestingDepth: Int
    /// Bytes the Windows readers may read from disk, as a multiple of the installer's size.
    public var maxReadMultiple: Int
    /// Rows one MSI table may hold.
    public var maxMsiTableRows: Int
    /// Index entries (tags) one RPM header may hold; rpm itself refuses more than 65,535.
    public var maxRpmHeaderTags: Int
    /// Examples a warning of one kind lists before it says "and N more".
    public var maxWarningExamples: Int
    /// Wall-clock seconds one installer may take to read.
    public var maxSecondsPerInstaller: Int

    /// Builds limits; every value must be positive (depth may be zero, meaning nested archives are only listed).
    public init(maxInstallerBytes: Int64, maxUncompressedBytes: Int64, maxCompressionRatio: Int64,
                maxEntries: Int, maxPathLength: Int, maxNestingDepth: Int, maxReadMultiple: Int = 4,
                maxMsiTableRows: Int = 100_000, maxRpmHeaderTags: Int = 65_535, maxWarningExamples: Int = 5,
                maxSecondsPerInstaller: Int = 300) {
        self.maxInstallerBytes = maxInstallerBytes
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxEntries = maxEntries
        self.maxPathLength = maxPathLength
        self.maxNestingDepth = maxNestingDepth
        self.maxReadMultiple = maxReadMultiple
        self.maxMsiTableRows = maxMsiTableRows
        self.maxRpmHeaderTags = maxRpmHeaderTags
        self.maxWarningExamples = maxWarningExamples
        self.maxSecondsPerInstaller = maxSecondsPerInstaller
    }

    /// Limits that admit every real installer the city has met (office suites on 6 GiB ISOs included).
    public static let standard = InspectionLimits(
        maxInstallerBytes: 8 << 30,
        maxUncompressedBytes: 32 << 30,
        maxCompressionRatio: 200,
        maxEntries: 250_000,
        maxPathLength: 4096,
        maxNestingDepth: 3
    )

    /// The budgets the Windows readers work within.
    var windows: WindowsReadLimits {
        WindowsReadLimits(maxReadMultiple: maxReadMultiple, maxTableRows: maxMsiTableRows,
                          maxExamplesPerWarning: maxWarningExamples, maxSeconds: maxSecondsPerInstaller)
    }

    /// The expansion beyond which an installer counts as a bomb, saturating instead of overflowing.
    func expansionThreshold(installerSize: Int64) -> Int64 {
        let base = max(installerSize, 1 << 20)
        let (product, overflow) = base.multipliedReportingOverflow(by: max(maxCompressionRatio, 1))
        return overflow ? Int64.max : product
    }
}
