using Ham.Torch;

namespace Ham.Tests.Torch;

public class TensorCoreTests
{
    [Fact]
    public void RoundTripsValuesShapeAndDtype()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(Device.CPU, t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        Assert.Equal("Tensor(shape=[2, 3], dtype=float32, device=cpu)", t.ToString());
    }

    [Fact]
    public void BroadcastingArithmeticMatchesHandValues()
    {
        using var scope = new DisposeScope();
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new double[] { 10, 20 }, 2);
        Assert.Equal(new double[] { 11, 22, 13, 24 }, (a + b).ToArray<double>());
        Assert.Equal(new double[] { -9, -18, -7, -16 }, (a - b).ToArray<double>());
        Assert.Equal(new double[] { 1, 0.5, 1.0 / 3, 0.25 }, (1.0 / a).ToArray<double>());
        Assert.Equal(new double[] { 50, 110 }, Functional.MatMul(a, b).ToArray<double>(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void ChannelsLastKeepsShapeAndValuesAndLaysOutChannelsInnermost()
    {
        using var scope = new DisposeScope();
        var nchw = Tensor.FromArray(Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (float)i).ToArray(), 2, 3, 4, 5);
        var nhwc = nchw.ContiguousChannelsLast();
        Assert.Equal(new long[] { 2, 3, 4, 5 }, nhwc.Shape);
        Assert.Equal(new long[] { 4 * 5 * 3, 1, 5 * 3, 3 }, nhwc.Strides);   // (HWC, 1, WC, C)
        Assert.False(nhwc.IsContiguous);
        Assert.Equal(nchw.ToArray<float>(), nhwc.ToArray<float>());
        Assert.True(nhwc.Permute(0, 2, 3, 1).IsContiguous);   // its memory is the (N, H, W, C) array
    }

    [Fact]
    public void LibtorchErrorsBecomeExceptionsAndTheProcessGoesOn()
    {
        using var scope = new DisposeScope();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var mismatch = Assert.Throws<TorchException>(() => Functional.MatMul(a, b));
        Assert.Contains("cannot be multiplied", mismatch.Message);
        var index = Tensor.FromArray(new long[] { 7 });
        var outOfRange = Assert.Throws<TorchException>(() => a.IndexSelect(0, index));
        Assert.Contains("out of range", outOfRange.Message, StringComparison.OrdinalIgnoreCase);
        var wrongDtype = Assert.Throws<TorchException>(() => Functional.MatMul(a, Tensor.Zeros([3, 2], DType.Int64)));
        Assert.Contains("Long", wrongDtype.Message);
        var missing = Assert.ThrowsAny<Exception>(() => Ham.Torch.Serialization.TorchFiles.ReadStateDict("/no/such/model.pt"));
        Assert.Contains("/no/such/model.pt", missing.Message);
        Assert.Throws<InvalidOperationException>(() => a.ToArray<long>());
        // Still usable afterwards.
        Assert.Equal(6, (a + 1).Sum().Item());
    }

    [Fact]
    public void ScopeFreesWhatItOwnsAndKeepsWhatMovesOut()
    {
        Tensor kept, dropped;
        using (var outer = new DisposeScope())
        {
            using (var inner = new DisposeScope())
            {
                dropped = Tensor.Ones([3]);
                kept = inner.MoveToOuter(dropped * 2);
            }
            Assert.True(dropped.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(6, kept.Sum().Item());
        }
        Assert.True(kept.IsDisposed);
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
