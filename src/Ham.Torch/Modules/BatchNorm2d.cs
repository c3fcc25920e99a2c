namespace Ham.Torch.Modules;

/// <summary>
/// Batch normalization over NCHW (nn.BatchNorm2d). Training: normalizes with the batch
/// statistics and updates running_mean/running_var with momentum (running = (1 - m) running + m
/// batch, the variance unbiased) and counts num_batches_tracked; evaluation: uses the running ones.
/// </summary>
public sealed class BatchNorm2d : Layer
{
    readonly double eps, momentum;

    public BatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1)
    {
        this.eps = eps;
        this.momentum = momentum;
        Weight = RegisterParameter("weight", Tensor.Ones([features]));
        Bias = RegisterParameter("bias", Tensor.Zeros([features]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([features]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([features]));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
    }

    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public Tensor NumBatchesTracked { get; }

    public override Tensor Forward(Tensor input)
    {
        if (Training)
            using (LibTorch.NoGrad())
                NumBatchesTracked.Add_(1);
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, Training, momentum, eps);
    }
}
