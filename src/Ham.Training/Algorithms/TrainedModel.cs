using Ham.Torch;
using Ham.Torch.Optim;
using Ham.Training.Backbones;
using Ham.Training.Method;

namespace Ham.Training.Algorithms;

/// <summary>
/// One model an algorithm trains (a source's, or the single model of ERM-like algorithms): the
/// classifier, its AdamW state and its historical average. Every algorithm keeps the average, so
/// results.json can score the final and the averaged weights of every run. With fp16 autocast a
/// gradient scaler guards the fp16 gradients (torch.cuda.amp's recipe: scale the loss, unscale the
/// gradients, skip the step on inf or nan).
/// </summary>
public sealed class TrainedModel : IDisposable
{
    readonly double weightDecay;
    readonly Device device;

    public TrainedModel(string name, AlgorithmContext context)
    {
        Name = name;
        Model = context.Backbone.CreateModel(context.TrainBatchNorm);
        Model.To(context.Device);
        Parameters = Model.Parameters().ToList();
        weightDecay = context.Hyperparameters.Double("weight_decay");
        Optimizer = new AdamW(Parameters, context.Hyperparameters.Double("lr"), weightDecay);
        Average = new HistoricalAverage(Parameters, context.Steps, context.AverageBeta);
        device = context.Device;
        Scaler = context.Precision.NeedsGradScaler() ? new GradScaler() : null;
    }

    public string Name { get; }
    public ClassifierModel Model { get; }
    public IReadOnlyList<Tensor> Parameters { get; }
    public AdamW Optimizer { get; private set; }
    public HistoricalAverage Average { get; }

    /// <summary>The fp16 gradient scaler; null in fp32 and bf16.</summary>
    public GradScaler? Scaler { get; }

    /// <summary>
    /// One optimizer step on <paramref name="loss"/> at learning rate <paramref name="lr"/>, then the
    /// average absorbs the new weights. Backward and the update run outside autocast, as PyTorch
    /// recommends (the backward ops take the forward's dtypes). <paramref name="reduceGradients"/>
    /// runs between backward and the update (data parallel: the all_reduce of the gradients).
    /// </summary>
    public void Step(Tensor loss, int step, double lr, Action<IReadOnlyList<Tensor>>? reduceGradients = null)
    {
        using var fp32 = Autocast.Off(device);
        Optimizer.ZeroGrad();
        Optimizer.LearningRate = lr;
        if (Scaler is null)
        {
            loss.Backward();
            reduceGradients?.Invoke(Parameters);
            Optimizer.Step();
        }
        else
        {
            Scaler.Scale(loss).Backward();
            reduceGradients?.Invoke(Parameters);   // scaled gradients: every rank then unscales and checks the same sums
            Scaler.Step(Optimizer);
            Scaler.Update();
        }
        Average.Update(step, Parameters);
    }

    /// <summary>A fresh optimizer with no moments (DomainBed's IRM restarts Adam when its penalty anneal ends).</summary>
    public void ResetOptimizer()
    {
        double lr = Optimizer.LearningRate;
        Optimizer.Dispose();
        Optimizer = new AdamW(Parameters, lr, weightDecay);
    }

    /// <summary>The historical average as a state dict (parameters averaged; buffers as trained). The tensors are the model's and the average's own.</summary>
    public Dictionary<string, Tensor> AveragedState()
    {
        var state = Model.StateDict();
        var names = Model.NamedParameters().Select(p => p.Name).ToList();
        for (int i = 0; i < names.Count; i++) state[names[i]] = Average.Average[i];
        return state;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Scaler?.Dispose();
        Average.Dispose();
        Model.Dispose();
    }
}
