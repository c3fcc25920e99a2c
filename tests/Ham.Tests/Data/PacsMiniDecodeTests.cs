using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>
/// Every image of the shared PACS-mini set (JPEG and PNG) decodes to PIL's pixels: size, per-channel
/// sums and the md5 of the RGB bytes from pacs_mini_expected.tsv (make_pacs_mini_expected.py).
/// </summary>
public class PacsMiniDecodeTests
{
    [Fact]
    public void EveryImageMatchesPil()
    {
        var lines = File.ReadAllLines(DataTestFiles.Path("pacs_mini_expected.tsv")).Skip(1).ToArray();
        Assert.Equal(1120, lines.Length);
        var mismatches = new List<string>();
        Parallel.ForEach(lines, line =>
        {
            var f = line.Split('\t');
            var image = ImageCodec.Read(SharedData.Path("data", "PACS-mini", f[0]));
            string got = $"{image.Width}\t{image.Height}\t{string.Join('\t', CodecTests.ChannelSums(image))}\t{CodecTests.Md5(image)}";
            string want = string.Join('\t', f[1..]);
            if (got != want) lock (mismatches) mismatches.Add($"{f[0]}: want {want}, got {got}");
        });
        Assert.Empty(mismatches);
    }
}
