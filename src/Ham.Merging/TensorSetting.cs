namespace Ham.Merging;

/// <summary>
/// One rule of a per-tensor parameter: tensors whose name contains <see cref="Filter"/> (every
/// tensor when null) take <see cref="Value"/>. <see cref="Where"/> says where the rule was
/// written ("merge.yaml, line 12"), for errors.
/// </summary>
public sealed record TensorRule(string? Filter, double Value, string Where);

/// <summary>
/// A parameter that may differ per tensor, mergekit's convention: a list of rules, the first
/// whose filter is a substring of the tensor name wins, a rule without filter is the fallback;
/// a plain value is one rule without filter. No matching rule leaves the method's default.
/// </summary>
public sealed record TensorSetting(IReadOnlyList<TensorRule> Rules)
{
    public static TensorSetting Constant(double value, string where) => new([new TensorRule(null, value, where)]);

    public TensorRule? RuleFor(string tensor) => Rules.FirstOrDefault(r => r.Filter is null || tensor.Contains(r.Filter, StringComparison.Ordinal));

    public double? ValueFor(string tensor) => RuleFor(tensor)?.Value;

    /// <summary>The rules as metadata text: "filter=value; ...; value".</summary>
    public override string ToString() => string.Join("; ", Rules.Select(r => r.Filter is null ? r.Value.ToString("R") : $"{r.Filter}={r.Value:R}"));
}
