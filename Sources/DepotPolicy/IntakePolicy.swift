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

    /// The values shipped in `Policies/intake.yaml`, so tests and tools can use them without the file.
    public init(
        maxInstallerBytes: Int64 = 8 << 30, maxUncompressedBytes: Int64 = 32 << 30, maxCompressionRatio: Int = 200,
        maxEntries: Int = 250_000, maxPathLength: Int = 1024, maxNestingDepth: Int = 3,
        maxMetadataBytes: Int64 = 16 << 20, progressThresholdBytes: Int64 = 50_000_000
    ) {
        self.maxInstallerBytes = maxInstallerBytes
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxEntries = maxEntries
        self.maxPathLength = maxPathLength
        self.maxNestingDepth = maxNestingDepth
        self.maxMetadataBytes = maxMetadataBytes
        self.progressThresholdBytes = progressThresholdBytes
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
            guard let installer, let uncompressed, let ratio, let entries, let pathLength, let nesting,
                  let metadata, let progress else { return nil }
            return IntakePolicy(
                maxInstallerBytes: installer, maxUncompressedBytes: uncompressed, maxCompressionRatio: ratio,
                maxEntries: entries, maxPathLength: pathLength, maxNestingDepth: nesting,
                maxMetadataBytes: metadata, progressThresholdBytes: progress)
        }
    }
}
