using Ham.Merging;
using Ham.Training.Method;

namespace Ham.Training.Hyperparameters;

/// <summary>
/// The algorithms' own hyperparameters (the algorithm-specific blocks of DomainBed's
/// hparams_registry.py), declared once each so that one several algorithms share draws the same
/// value in each; every algorithm lists its own in its <see cref="Algorithms.AlgorithmRegistry"/>
/// entry, and <see cref="HyperparameterSpace"/> adds the backbone's common ones.
/// </summary>
public static class AlgorithmHyperparameters
{
    // HAM (the paper's search: lambda in {0.1, 0.5, 1.0}, trim ratio r in {0.2, 0.4, 0.6, 0.8}).
    public static readonly Hyperparameter Lambda = Hyperparameter.Double("lambda", 1.0, SearchDistribution.Choice(0.1, 0.5, 1.0), NumericRange.NonNegative,
        "weight of OPA's sign-alignment loss");
    public static readonly Hyperparameter Trim = Hyperparameter.Double("trim", 0.2, SearchDistribution.Choice(0.2, 0.4, 0.6, 0.8), NumericRange.UnitInterval,
        "fraction of each source's update entries the merge drops by magnitude (RHM's r)");
    public static readonly Hyperparameter Beta = Hyperparameter.Double("beta", 0.5, SearchDistribution.Fixed, NumericRange.Positive,
        "Beta(beta, beta) step weights of the historical (moving) average");
    public static readonly Hyperparameter Sae = Hyperparameter.Bool("sae", true, "SAE's source enrichment of each source's batch");
    // The printed equation stays the default so results stay comparable, though it rarely acts (README, "OPA").
    public static readonly Hyperparameter Opa = Hyperparameter.String("opa", "layer-dot", SignAlignmentLoss.Forms,
        "OPA's sign-alignment form: layer-dot (the paper's equation 5, per tensor against the mean of all sources), "
        + "elementwise (per entry against that mean), leave-one-out (per tensor against the other sources' mean)");
    public static readonly Hyperparameter Merge = Hyperparameter.String("merge", "rhm", MergeMethod.Names, "how the sources' models are merged at the end");
    public static readonly Hyperparameter Averaged = Hyperparameter.Bool("average", true,
        "deliver the historical average of the weights rather than the last step's");
    public static readonly Hyperparameter FinalWeights = Hyperparameter.Bool("average", false,
        "deliver the historical average of the weights rather than the last step's");

    // The merge's own options (`ham merge`'s --density, --drop, --trim-scope), for the methods that read them.
    public static readonly Hyperparameter Density = Hyperparameter.Double("density", 0.2, SearchDistribution.Fixed, NumericRange.UnitInterval,
        "ties, dare-ties: fraction of each source's update entries kept by magnitude");
    public static readonly Hyperparameter Drop = Hyperparameter.Double("drop", 0.9, SearchDistribution.Fixed, NumericRange.UnitInterval,
        "dare-ta, dare-ties: drop probability of each update entry");
    public static readonly Hyperparameter TrimScope = Hyperparameter.String("trim_scope", "model", ["model", "tensor"],
        "rhm, ties: magnitude thresholds over the whole model (the paper's) or per tensor (layer-level)");
    // Only acts when batch norm trains (--batch-norm train): frozen, every source keeps theta0's statistics.
    public static readonly Hyperparameter BnStatistics = Hyperparameter.String("bn_statistics", "mixture", ["mixture", "merge"],
        "batch-norm running statistics of the merged model: the sources' Gaussian mixture (bn-stats, Li et al. 2024) or merged like the weights");

    // CLIPood (Shu et al. 2023; thuml/CLIPood main.py: --lam 0.3, --beta 0.5, as every domain-shift run in its scripts.sh).
    public static readonly Hyperparameter Margin = Hyperparameter.Double("margin", 0.3, SearchDistribution.Fixed, NumericRange.NonNegative,
        "margin metric softmax's weight lambda on the class text distances");

    // DomainBed's (hparams_registry.py), names and distributions as there.
    public static readonly Hyperparameter IrmLambda = Hyperparameter.Double("irm_lambda", 1e2, SearchDistribution.LogUniform(10, -1, 5), NumericRange.NonNegative,
        "weight of the IRM penalty once annealing ends");
    public static readonly Hyperparameter IrmPenaltyAnnealIters = Hyperparameter.Int("irm_penalty_anneal_iters", 500, SearchDistribution.LogUniform(10, 0, 4), NumericRange.NonNegative,
        "steps with the IRM penalty weighted 1 before irm_lambda applies (Adam is reset then)");
    public static readonly Hyperparameter MmdGamma = Hyperparameter.Double("mmd_gamma", 1.0, SearchDistribution.LogUniform(10, -1, 1), NumericRange.NonNegative,
        "weight of the feature-distribution penalty (MMD or CORAL)");
    public static readonly Hyperparameter MixupAlpha = Hyperparameter.Double("mixup_alpha", 0.2, SearchDistribution.LogUniform(10, -1, 1), NumericRange.Positive,
        "mixing weights lam ~ Beta(mixup_alpha, mixup_alpha)");
}
