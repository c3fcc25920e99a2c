using System.Globalization;
using Ham.Data.Splits;

namespace Ham.Training.Hyperparameters;

/// <summary>
/// Where a hyperparameter's random-search value comes from, as the <c>random_val_fn</c> of
/// DomainBed's <c>_hparam(name, default, random_val_fn)</c>: it receives the RandomState seeded for
/// that hyperparameter alone and draws from it.
/// </summary>
public abstract class SearchDistribution
{
    /// <summary>No search: the draw is the default (DomainBed's <c>lambda r: default</c>, which consumes nothing).</summary>
    public static SearchDistribution Fixed { get; } = new FixedValue();

    /// <summary><c>r.choice([v1, v2, ...])</c>.</summary>
    public static SearchDistribution Choice(params double[] values) => new ChoiceOf(HyperparameterKind.Double, values.Cast<object>().ToArray());

    /// <summary><c>r.choice([v1, v2, ...])</c> over integers.</summary>
    public static SearchDistribution Choice(params int[] values) => new ChoiceOf(HyperparameterKind.Int, values.Cast<object>().ToArray());

    /// <summary>
    /// <c>base ** r.uniform(low, high)</c>; for an int hyperparameter <c>int(base ** r.uniform(low, high))</c>
    /// (truncated), as DomainBed's <c>10**r.uniform(-5, -3.5)</c> and <c>int(2**r.uniform(3, 5.5))</c>.
    /// </summary>
    public static SearchDistribution LogUniform(double @base, double low, double high) => new PowerOfUniform(@base, low, high);

    /// <summary>The draw for <paramref name="parameter"/>, of its kind.</summary>
    internal abstract object Draw(LegacyRandomState random, Hyperparameter parameter);

    /// <summary>Throws unless this distribution can draw values of <paramref name="kind"/>.</summary>
    internal abstract void RequireKind(HyperparameterKind kind, string name);

    /// <summary>How the help text states the search, e.g. "{5e-06, 1e-05}" or "10**U(-5, -3.5)".</summary>
    public abstract string Description { get; }

    sealed class FixedValue : SearchDistribution
    {
        internal override object Draw(LegacyRandomState random, Hyperparameter parameter) => parameter.Default;
        internal override void RequireKind(HyperparameterKind kind, string name) { }
        public override string Description => "fixed";
    }

    sealed class ChoiceOf(HyperparameterKind kind, object[] values) : SearchDistribution
    {
        internal override object Draw(LegacyRandomState random, Hyperparameter parameter) => random.Choice(values);

        internal override void RequireKind(HyperparameterKind target, string name)
        {
            if (values.Length == 0) throw new ArgumentException($"hyperparameter '{name}': a choice needs at least one value");
            if (target != kind) throw new ArgumentException($"hyperparameter '{name}' is {target} but its choice is over {kind} values");
        }

        public override string Description => "{" + string.Join(", ", values.Select(v => HyperparameterText.Format(v))) + "}";
    }

    sealed class PowerOfUniform(double @base, double low, double high) : SearchDistribution
    {
        internal override object Draw(LegacyRandomState random, Hyperparameter parameter)
        {
            double value = Math.Pow(@base, random.Uniform(low, high));
            // Python's int() truncates; box each branch so the int stays an int.
            return parameter.Kind == HyperparameterKind.Int ? (object)(int)Math.Truncate(value) : value;
        }

        internal override void RequireKind(HyperparameterKind kind, string name)
        {
            if (kind is not (HyperparameterKind.Double or HyperparameterKind.Int))
                throw new ArgumentException($"hyperparameter '{name}' is {kind.Name()}; a log-uniform search draws numbers");
        }

        public override string Description => $"{Number(@base)}**U({Number(low)}, {Number(high)})";

        static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
