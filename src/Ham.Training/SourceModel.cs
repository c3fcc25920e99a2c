using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Optim;
using Ham.Training.Method;

namespace Ham.Training;

/// <summary>
/// One trained vision encoder (a source's, or ERM's single one): the encoder, in eval mode
/// (batch-norm statistics frozen) unless batch-norm training was asked for, its AdamW state and
/// its historical average.
/// </summary>
sealed class SourceModel : IDisposable
{
    public SourceModel(string name, ClipConfig config, IReadOnlyDictionary<string, Tensor> visualState, TrainingOptions options)
    {
        Name = name;
        using var generator = new Generator(0);
        Encoder = ImageEncoder.Create(config, generator);
        Encoder.LoadStateDict(visualState);
        Encoder.Train(options.TrainBatchNorm);
        Parameters = Encoder.Parameters().ToList();
        Optimizer = new AdamW(Parameters, options.LearningRate, options.WeightDecay);
        Average = new HistoricalAverage(Parameters, options.Steps, options.Beta);
    }

    public string Name { get; }
    public ImageEncoder Encoder { get; }
    public IReadOnlyList<Tensor> Parameters { get; }
    public AdamW Optimizer { get; }
    public HistoricalAverage Average { get; }

    /// <summary>The historical average as a visual state dict (parameters averaged; buffers as trained).</summary>
    public Dictionary<string, Tensor> AveragedState()
    {
        var state = Encoder.StateDict();
        var names = Encoder.NamedParameters().Select(p => p.Name).ToList();
        for (int i = 0; i < names.Count; i++) state[names[i]] = Average.Average[i];
        return state;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Average.Dispose();
        Encoder.Dispose();
    }
}
