using System.Text.Json.Nodes;

namespace Ham.Training;

/// <summary>
/// Training-domain validation within a run: the evaluation with the highest validation accuracy
/// so far (DomainBed's selection over one run's checkpoints), kept in the checkpoint's state so a
/// resumed run selects as an uninterrupted one.
/// </summary>
static class ModelSelection
{
    public static JsonObject Start(JsonObject zeroShot) => new() { ["zero_shot"] = zeroShot, ["best_val"] = -1.0 };

    /// <summary>Keeps <paramref name="accuracy"/> (an evaluation at <paramref name="step"/>) if its validation accuracy beats the best so far.</summary>
    public static void Offer(JsonObject state, int step, JsonObject accuracy)
    {
        double val = accuracy["val"]!.GetValue<double>();
        if (val <= state["best_val"]!.GetValue<double>()) return;
        state["best_val"] = val;
        state["best_val_step"] = step;
        state["best_val_model"] = accuracy.DeepClone();
    }
}
