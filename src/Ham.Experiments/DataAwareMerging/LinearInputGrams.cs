using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// Collects G = X^T X of the inputs X (every token of every image, as rows) of each linear layer
/// y = x W^T of a module, keyed by the weight's state-dict name: every <see cref="Linear"/>
/// (CLIP ViT: attention out_proj, mlp c_fc and c_proj; torchvision ResNet: fc) and the in_proj of
/// each <see cref="MultiheadAttention"/> (one linear for q, k and v). It installs input hooks on
/// those modules for as long as it lives; RegMean's Grams are sums over the rows, not means.
/// </summary>
public sealed class LinearInputGrams : IDisposable
{
    readonly List<Action> unhook = [];
    readonly Dictionary<string, Tensor> grams = [];

    public LinearInputGrams(Module model)
    {
        foreach (var (name, module) in model.NamedModules())
        {
            string prefix = name.Length == 0 ? "" : name + ".";
            if (module is Linear linear)
            {
                linear.InputHook = Accumulator(prefix + "weight", linear.Weight);
                unhook.Add(() => linear.InputHook = null);
            }
            else if (module is MultiheadAttention attention)
            {
                attention.InProjInputHook = Accumulator(prefix + "in_proj_weight", attention.InProjWeight);
                unhook.Add(() => attention.InProjInputHook = null);
            }
        }
    }

    /// <summary>The Gram matrices so far (float64, on the model's device); they outlive the hooks.</summary>
    public IReadOnlyDictionary<string, Tensor> Grams => grams;

    Action<Tensor> Accumulator(string weightName, Tensor weight)
    {
        long inFeatures = weight.Size(1);
        var gram = Tensor.Zeros([inFeatures, inFeatures], DType.Float64, weight.Device);
        gram.DetachFromScope();
        grams[weightName] = gram;
        return input =>
        {
            using var scope = new DisposeScope();
            var rows = input.Detach().Reshape(-1, inFeatures).To(DType.Float64);
            gram.Add_(Functional.MatMul(rows.T, rows));
        };
    }

    public void Dispose()
    {
        foreach (var undo in unhook) undo();
    }
}
