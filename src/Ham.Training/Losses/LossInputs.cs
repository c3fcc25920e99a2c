using Ham.Torch;

namespace Ham.Training.Losses;

/// <summary>The shape and dtype checks the losses share, with errors naming the loss and the tensor.</summary>
static class LossInputs
{
    /// <summary>Logits (N, C) of a floating dtype and int64 labels (N); returns N.</summary>
    public static long RequireLogitsAndLabels(string loss, Tensor logits, Tensor labels, string labelsName = "labels")
    {
        RequireFloatingMatrix(loss, "logits", logits);
        long n = logits.Size(0);
        if (labels.DType != DType.Int64 || labels.Dim != 1 || labels.Size(0) != n)
            throw new ArgumentException($"{loss}: {labelsName} must be int64 of shape [{n}] (one per logits row), got {labels.DType} [{string.Join(", ", labels.Shape)}]");
        return n;
    }

    /// <summary>A 2-D tensor (rows, columns) of float32, float64, float16 or bfloat16.</summary>
    public static void RequireFloatingMatrix(string loss, string name, Tensor tensor)
    {
        if (tensor.Dim != 2)
            throw new ArgumentException($"{loss}: {name} must be 2-D (rows, columns), got shape [{string.Join(", ", tensor.Shape)}]");
        if (tensor.DType is not (DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16))
            throw new ArgumentException($"{loss}: {name} must be floating point, got {tensor.DType}");
    }

    /// <summary>Two feature matrices with the same number of columns, each with at least <paramref name="minRows"/> rows.</summary>
    public static void RequireFeaturePair(string loss, Tensor x, Tensor y, long minRows)
    {
        RequireFloatingMatrix(loss, "x", x);
        RequireFloatingMatrix(loss, "y", y);
        if (x.Size(1) != y.Size(1))
            throw new ArgumentException($"{loss}: x and y must have the same feature width, got [{string.Join(", ", x.Shape)}] and [{string.Join(", ", y.Shape)}]");
        if (x.DType != y.DType) throw new ArgumentException($"{loss}: x and y must share a dtype, got {x.DType} and {y.DType}");
        if (x.Size(0) < minRows || y.Size(0) < minRows)
            throw new ArgumentException($"{loss}: x and y need at least {minRows} rows each, got {x.Size(0)} and {y.Size(0)}");
    }
}
