namespace Ham.Training.Hyperparameters;

/// <summary>
/// The hyperparameters every algorithm has, by backbone: the optimizer's and the schedule's.
/// "clip" is the HAM paper's space (CLIPood's AdamW settings; lr in {5e-6, 1e-5}, steps in
/// {500, 3000, 5000, 10000}); "resnet" is DomainBed's for ImageNet-pretrained ResNets on its
/// full-size datasets (hparams_registry.py, non-DomainNet branch; 5000 steps as its train.py).
/// </summary>
public static class BackboneHyperparameters
{
    public static IReadOnlyList<string> Names { get; } = ["clip", "resnet"];

    static readonly Hyperparameter[] Clip =
    [
        Hyperparameter.Double("lr", 5e-6, SearchDistribution.Choice(5e-6, 1e-5), NumericRange.Positive, "learning rate"),
        Hyperparameter.Double("weight_decay", 0.1, SearchDistribution.Fixed, NumericRange.NonNegative, "weight decay"),
        Hyperparameter.Int("batch_size", 24, SearchDistribution.Fixed, NumericRange.AtLeast(1), "images per source domain per step"),
        Hyperparameter.Int("steps", 1000, SearchDistribution.Choice(500, 3000, 5000, 10000), NumericRange.AtLeast(1), "optimizer steps"),
    ];

    static readonly Hyperparameter[] Resnet =
    [
        Hyperparameter.Double("lr", 5e-5, SearchDistribution.LogUniform(10, -5, -3.5), NumericRange.Positive, "learning rate"),
        Hyperparameter.Double("weight_decay", 0, SearchDistribution.LogUniform(10, -6, -2), NumericRange.NonNegative, "weight decay"),
        Hyperparameter.Int("batch_size", 32, SearchDistribution.LogUniform(2, 3, 5.5), NumericRange.AtLeast(1), "images per source domain per step"),
        Hyperparameter.Int("steps", 5000, SearchDistribution.Fixed, NumericRange.AtLeast(1), "optimizer steps"),
    ];

    public static IReadOnlyList<Hyperparameter> For(string backbone) => backbone switch
    {
        "clip" => Clip,
        "resnet" => Resnet,
        _ => throw new ArgumentException($"unknown backbone '{backbone}'; the backbones are {string.Join(", ", Names)}"),
    };
}
