import DepotModel
import Testing

@Suite struct SafeTextTests {
    @Test func controlCharactersFromInputAreShownNotObeyed() {
        let hostile = "readme\n\u{1B}[31mred\u{1C}.txt"
        let shown = SafeText.line(hostile)
        #expect(shown == "readme\\x0A\\x1B[31mred\\x1C.txt")
        #expect(!shown.contains("\n"))
        #expect(SafeText.line("ordinary name ÅÄÖ.msi") == "ordinary name ÅÄÖ.msi")
    }

    @Test func longInputIsCutAndSaysSo() {
        let shown = SafeText.line(String(repeating: "a", count: 10_000), limit: 40)
        #expect(shown.count == 41)
        #expect(shown.hasSuffix("…"))
    }

    @Test func bidirectionalOverridesAreVisible() {
        #expect(SafeText.line("invoice\u{202E}fdp.exe") == "invoice\\u{202E}fdp.exe")
    }
}
