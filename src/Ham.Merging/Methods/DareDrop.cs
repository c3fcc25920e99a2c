using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// DARE (Yu et al., ICML 2024, "Language Models are Super Mario"): drop each entry of a task
/// vector with probability p and rescale the survivors by 1 / (1 - p), so the update is unbiased.
/// The mask of (model, tensor) comes from a generator seeded by (seed, model index, tensor name),
/// so it is the same in every pass over the model and whatever the order of the tensors.
/// </summary>
static class DareDrop
{
    public static Tensor Apply(Tensor delta, double drop, long seed, int model, string name)
    {
        if (drop == 0) return delta;
        using var generator = new Generator(SeedOf(seed, model, name));
        using var keep = Ham.Torch.Random.Bernoulli(delta, 1 - drop, generator);
        return delta * keep / (1 - drop);
    }

    static ulong SeedOf(long seed, int model, string name) => Generator.DeriveSeed([seed, model, .. name.Select(c => (long)c)]);
}
