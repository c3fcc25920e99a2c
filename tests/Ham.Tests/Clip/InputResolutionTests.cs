using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Torch;

namespace Ham.Tests.Clip;

public class InputResolutionTests
{
    /// <summary>A (1 + g^2, 3) grid: row 0 the class token, then channel 0 = row r, channel 1 = column c, channel 2 = 7.</summary>
    static Tensor RampGrid(int g)
    {
        var values = new List<float> { -1, -2, -3 };
        for (int r = 0; r < g; r++)
            for (int c = 0; c < g; c++) values.AddRange([r, c, 7]);
        return Tensor.FromArray(values.ToArray(), 1 + g * g, 3);
    }

    [Fact]
    public void GridIsResampledRowMajorWithTheClassTokenKept()
    {
        using var scope = new DisposeScope();
        var resized = InputResolution.ResampleGrid(RampGrid(4), 4, 8).ToArray<float>();
        Assert.Equal(3 * (1 + 64), resized.Length);
        Assert.Equal([-1f, -2f, -3f], resized[..3]);
        float At(int r, int c, int channel) => resized[3 * (1 + r * 8 + c) + channel];
        // Output i samples source s = (i + 0.5) * 4 / 8 - 0.5 = i / 2 - 0.25; i = 3 gives s = 1.25 with
        // taps 0..3 at distances 1.25, 0.25, 0.75, 1.75. Keys' cubic with a = -0.75 weighs them
        // -0.10546875, 0.87890625, 0.26171875, -0.03515625, so the ramp 0, 1, 2, 3 gives 1.296875
        // (not 1.25: a = -0.75 does not reproduce lines), and i = 4 (s = 1.75) its mirror 3 - 1.296875.
        for (int c = 0; c < 8; c++)
        {
            Assert.Equal(1.296875f, At(3, c, 0), 5);
            Assert.Equal(1.703125f, At(4, c, 0), 5);
            Assert.Equal(1.296875f, At(c, 3, 1), 5);
            Assert.Equal(1.703125f, At(c, 4, 1), 5);
        }
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
            {
                Assert.Equal(At(r, 0, 0), At(r, c, 0), 5);   // the row ramp is constant along a row
                Assert.Equal(At(0, c, 1), At(r, c, 1), 5);   // the column ramp along a column
                Assert.Equal(7f, At(r, c, 2), 5);            // a constant stays constant
                if (r > 0) Assert.True(At(r, c, 0) >= At(r - 1, c, 0));
            }
    }

    [Fact]
    public void SameSizeIsTheIdentity()
    {
        using var scope = new DisposeScope();
        var grid = RampGrid(3);
        Assert.Equal(grid.ToArray<float>(), InputResolution.ResampleGrid(grid, 3, 3).ToArray<float>());
    }

    [Fact]
    public void AResampledViTRunsAtTheNewSize()
    {
        using var scope = new DisposeScope();
        var state = ClipCheckpoint.ReadStateDict(SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"));
        var config = ClipConfig.FromStateDict(state, "vit-tiny");
        var visual = state.Where(p => p.Key.StartsWith("visual.")).ToDictionary(p => p.Key["visual.".Length..], p => p.Value);
        var resized = InputResolution.Resample(visual, config, 48);
        using var encoder = ImageEncoder.Create(InputResolution.Change(config, 48), new Generator(0));
        encoder.LoadStateDict(resized);
        Assert.Equal([1 + 36, config.VisionWidth], resized["positional_embedding"].Shape);
        Assert.Equal([2, config.EmbedDim], encoder.Forward(Tensor.Zeros([2, 3, 48, 48])).Shape);
    }

    [Theory]
    [InlineData("vit-tiny", 44, "multiple of 8 px")]
    [InlineData("rn-tiny", 48, "multiple of 32 px")]
    public void SizesTheTowerCannotTakeAreRefused(string fixture, int size, string expected)
    {
        using var scope = new DisposeScope();
        var state = ClipCheckpoint.ReadStateDict(SharedData.Path("fixtures", "clip", fixture, "openai.safetensors"));
        var error = Assert.Throws<ArgumentException>(() => InputResolution.Change(ClipConfig.FromStateDict(state, fixture), size));
        Assert.Contains(expected, error.Message);
        Assert.Contains($"{size} px", error.Message);
    }
}
