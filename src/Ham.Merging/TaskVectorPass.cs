using System.Numerics;
using System.Runtime.ExceptionServices;
using Ham.Torch;

namespace Ham.Merging;

/// <summary>
/// A computation over chunks of task vectors (<see cref="TaskVectorChunk{T}"/>), called by
/// <see cref="TaskVectorPass"/> from several threads at once, for float and for double tensors.
/// </summary>
internal interface ITaskVectorKernel
{
    void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}

/// <summary>
/// One pass of a kernel over one tensor of every input: the tensor's chunks are spread over the
/// cores, each chunk's task vectors computed once for all models (<see cref="TaskVectors{T}"/>).
/// </summary>
internal static class TaskVectorPass
{
    /// <summary>Runs <paramref name="kernel"/> on every chunk of <paramref name="name"/> in its compute dtype.</summary>
    public static void Run(MergeInputs inputs, string name, ITaskVectorKernel kernel, Func<int, string, Tensor>? deltaOf = null)
    {
        if (inputs.ComputeDType(name) == DType.Float64) Run<double>(inputs, name, kernel, deltaOf);
        else Run<float>(inputs, name, kernel, deltaOf);
    }

    /// <summary>
    /// A new tensor of <paramref name="name"/>'s shape in its compute dtype, written in place by the
    /// kernel that <paramref name="kernelFor"/> makes for the tensor's memory (entry j of the
    /// tensor at element j of that address).
    /// </summary>
    public static Tensor Produce(MergeInputs inputs, string name, Func<nint, ITaskVectorKernel> kernelFor, Func<int, string, Tensor>? deltaOf = null)
    {
        var output = Tensor.Empty(inputs.Reference.Describe(name).Shape, inputs.ComputeDType(name));
        Run(inputs, name, kernelFor(output.DataAddress), deltaOf);
        return output;
    }

    static void Run<T>(MergeInputs inputs, string name, ITaskVectorKernel kernel, Func<int, string, Tensor>? deltaOf)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var scope = new DisposeScope();
        using var vectors = TaskVectors<T>.Open(inputs, name, deltaOf);
        try
        {
            // As many workers as libtorch has threads (HAM_THREADS), so a merge inside a training
            // process takes no more cores than its tensor work does.
            Parallel.For(0, vectors.Chunks, new ParallelOptions { MaxDegreeOfParallelism = LibTorch.Threads }, c => kernel.Run(vectors.Chunk(c)));
        }
        catch (AggregateException e)
        {
            // A read error (a truncated file, say) is the error to show, not "one or more errors occurred".
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }
}
