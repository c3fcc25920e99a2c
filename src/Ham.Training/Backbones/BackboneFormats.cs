namespace Ham.Training.Backbones;

/// <summary>Tells which backbone a checkpoint is from its weights.</summary>
static class BackboneFormats
{
    public static Backbone Open(string modelPath, IReadOnlyList<string> classes, BackboneOptions options) =>
        new ClipBackbone(modelPath, classes, options);
}
