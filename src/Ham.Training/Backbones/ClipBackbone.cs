using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Clip.Preprocessing;
using Ham.Clip.ZeroShot;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Training.Backbones;

/// <summary>
/// CLIP (ViT or ModifiedResNet image tower, any checkpoint format <see cref="ClipCheckpoint"/>
/// reads): the head is the frozen class text embeddings of "a photo of a {}." times the logit
/// scale (CLIPood, HAM), the vision tower trains, and a trained state saves as a full OpenAI-named
/// CLIP whose text tower is read back from the starting checkpoint.
/// </summary>
public sealed class ClipBackbone : Backbone
{
    readonly string modelPath;
    readonly ClipConfig config;
    readonly Dictionary<string, Tensor> initialState;
    readonly Tensor classEmbeddings;   // (classes, embed) unit text embeddings of the class prompts
    readonly double logitScale;        // exp(logit_scale) of the checkpoint
    readonly bool activationAssumed;

    public ClipBackbone(string modelPath, IReadOnlyList<string> classes, BackboneOptions options)
    {
        this.modelPath = modelPath;
        if (classes.Count == 0) throw new ArgumentException($"{modelPath} is a CLIP: its head needs the class names");
        var contents = ClipCheckpoint.Read(modelPath, options.Activation);
        activationAssumed = contents.Source == ClipSettingsSource.Assumed;
        using var clip = ClipCheckpoint.Load(contents, modelPath);
        using var scope = new DisposeScope();
        using var head = ZeroShotHead.Create(clip, classes, PromptTemplates.Single);
        classEmbeddings = head.ClassEmbeddings.Clone().DetachFromScope();
        logitScale = head.LogitScale;
        var visual = clip.StateDict().Where(p => p.Key.StartsWith(Prefix)).ToDictionary(p => p.Key[Prefix.Length..], p => p.Value.Detach());
        config = clip.Config;
        if (options.ImageSize != 0 && options.ImageSize != config.ImageResolution)
        {
            visual = InputResolution.Resample(visual, config, options.ImageSize);
            config = InputResolution.Change(config, options.ImageSize);
        }
        initialState = visual.ToDictionary(p => Prefix + p.Key, p => p.Value.Clone().DetachFromScope());
    }   // the text tower is freed here; Save reads it back from the checkpoint file

    const string Prefix = "visual.";

    public override string Kind => "clip";


    public override IReadOnlyDictionary<string, Tensor> InitialState => initialState;

    public override int Resolution => config.ImageResolution;

    public override float[] Mean => ClipPreprocessing.Mean;

    public override float[] Std => ClipPreprocessing.Std;

    public override string Describe() => config.Describe();

    public override bool ActivationAssumed => activationAssumed;

    public override ClassifierModel CreateModel(bool trainBatchNorm)
    {
        var model = new ClipClassifier(config, classEmbeddings, logitScale);
        model.LoadStateDict(initialState);
        model.Train(trainBatchNorm);
        return model;
    }

    /// <summary>
    /// The checkpoint's tensors outside the vision tower (text tower, logit scale) in fp32, read
    /// back from its file once for all the models a run saves: the backbone does not keep them.
    /// </summary>
    Dictionary<string, Tensor> TextTower() => ClipCheckpoint.ReadStateDict(modelPath)
        .Where(p => !p.Key.StartsWith(Prefix)).ToDictionary(p => p.Key, p => p.Value.To(DType.Float32));

    /// <summary>
    /// Reads the text tower once for all the states saved; each file's metadata records the
    /// towers' activation, head width and epsilon, so it reads back as the model it is.
    /// </summary>
    public override void Save(IReadOnlyList<(string Path, IReadOnlyDictionary<string, Tensor> State)> models, IReadOnlyDictionary<string, string> metadata)
    {
        using var scope = new DisposeScope();
        var textTower = TextTower();
        metadata = ClipCheckpoint.Metadata(config, metadata);
        foreach (var (path, state) in models)
        {
            var full = textTower.ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, tensor) in state) full[name] = tensor;   // the writer copies device tensors to the host
            SafetensorsWriter.Save(path, full, metadata);
        }
    }

    public override void Dispose()
    {
        classEmbeddings.Dispose();
        foreach (var t in initialState.Values) t.Dispose();
    }
}
