using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Clip.Preprocessing;
using Ham.Clip.ZeroShot;
using Ham.Data.Datasets;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Data.Splits;
using Ham.Merging;
using Ham.Torch;
using Ham.Torch.Optim;
using Ham.Torch.Serialization;
using Ham.Training.Method;

namespace Ham.Training;

/// <summary>
/// HAM's trainer (DESIGN.md, "The method"): N_S CLIP vision encoders, one per source domain of a
/// DomainBed split, all from the same checkpoint, trained in lockstep against the frozen class
/// text embeddings ("a photo of a {}."), with SAE (enriched batches), OPA (sign alignment loss),
/// per-source historical averaging, and a merge at the end. The same loop runs the per-source
/// baseline (no SAE, no OPA) and ERM (one encoder on every source's batch).
/// </summary>
public sealed class LockstepTrainer : IDisposable
{
    readonly TrainingOptions _options;
    readonly DomainDataset _dataset;
    readonly IReadOnlyList<DomainSplit> _splits;
    readonly int _testIndex;
    readonly int[] _sourceIndices;
    readonly ClipConfig _config;
    readonly Dictionary<string, Tensor> _theta0;
    readonly Tensor[] _theta0Parameters;
    readonly Tensor _classEmbeddings;
    readonly double _logitScale;
    readonly ClassificationLoss _loss;
    readonly List<SourceModel> _models = [];
    readonly List<InfiniteDomainLoader> _loaders = [];
    readonly ImageEncoder _evaluationEncoder;
    readonly TrainingLog _log;
    readonly CosineSchedule _schedule;

    public LockstepTrainer(TrainingOptions options)
    {
        options.Validate();
        _options = options;
        _dataset = DomainDataset.Open(options.DataDir);
        _testIndex = _dataset.IndexOf(options.TestDomain);
        _sourceIndices = Enumerable.Range(0, _dataset.Domains.Count).Where(i => i != _testIndex).ToArray();
        _splits = DomainBedSplit.ForDomains(_dataset.Domains.Select(d => (d.Name, d.Images.Count)).ToList(), _testIndex, options.TrialSeed);

        using (var clip = ClipCheckpoint.Load(options.ModelPath))
        using (var scope = new DisposeScope())
        {
            using var head = ZeroShotHead.Create(clip, _dataset.Classes, PromptTemplates.Single);
            _classEmbeddings = head.ClassEmbeddings.Clone().DetachFromScope();
            _logitScale = head.LogitScale;
            var visual = clip.StateDict().Where(p => p.Key.StartsWith("visual.")).ToDictionary(p => p.Key["visual.".Length..], p => p.Value.Detach());
            _config = clip.Config;
            if (options.ImageSize != 0 && options.ImageSize != _config.ImageResolution)
            {
                visual = InputResolution.Resample(visual, _config, options.ImageSize);
                _config = InputResolution.Change(_config, options.ImageSize);
            }
            _theta0 = visual.ToDictionary(p => p.Key, p => p.Value.Clone().DetachFromScope());
        }   // the text tower is freed here; SaveClip reads it back from the checkpoint file
        _loss = new ClassificationLoss(options.Loss, options.Margin, _classEmbeddings, _logitScale);

        var names = options.Method == TrainingMethod.Erm ? ["erm"] : _sourceIndices.Select(i => _dataset.Domains[i].Name);
        foreach (string name in names) _models.Add(new SourceModel(name, _config, _theta0, options));
        _theta0Parameters = _models[0].Encoder.NamedParameters().Select(p => _theta0[p.Name]).ToArray();
        _evaluationEncoder = ImageEncoder.Create(_config, new Generator(0));
        _evaluationEncoder.Eval();
        _schedule = new CosineSchedule(options.LearningRate, options.Steps);
        Directory.CreateDirectory(options.OutDir);
        _log = new TrainingLog(Path.Combine(options.OutDir, "log.jsonl"));
    }

    IReadOnlyList<LabelledImage> SourceTrainingImages(int domain) => _splits[domain].In.Select(i => _dataset.Domains[domain].Images[i]).ToList();

    IReadOnlyList<LabelledImage> Validation(int domain) => _splits[domain].Out.Select(i => _dataset.Domains[domain].Images[i]).ToList();

    IReadOnlyList<LabelledImage> TestImages => _splits[_testIndex].In.Select(i => _dataset.Domains[_testIndex].Images[i]).ToList();

    /// <summary>Trains (or resumes), evaluates, merges and writes the run folder; returns results.json's content.</summary>
    public JsonObject Run(Action<int, string>? progress = null)
    {
        string dir = _options.OutDir;
        if (_options.Resume) RequireSameOptions(dir);
        var state = _options.Resume ? TrainingCheckpoint.Load(dir, _models) : null;
        int start = state?["step"]!.GetValue<int>() ?? 0;
        if (state is null)
        {
            if (File.Exists(Path.Combine(dir, "log.jsonl"))) File.Delete(Path.Combine(dir, "log.jsonl"));
            SplitFile.Write(Path.Combine(dir, "split.json"), _splits);
            AtomicText.WriteJson(Path.Combine(dir, "run.json"), RunDescription());
            progress?.Invoke(0, "zero-shot evaluation");
            var zeroShot = Evaluate(_theta0);
            state = new JsonObject { ["zero_shot"] = zeroShot, ["best_val"] = -1.0 };
        }
        else _log.TruncateAfter(start);
        StartLoaders(start);

        int stopAt = _options.StopAfter is { } n ? Math.Min(_options.Steps, start + n) : _options.Steps;
        for (int step = start + 1; step <= stopAt; step++)
        {
            TrainStep(step);
            if (step % _options.EvalEvery == 0 || step == _options.Steps)
            {
                progress?.Invoke(step, "evaluating");
                TrackBestValidation(step, state);
            }
            if (step % _options.CheckpointEvery == 0 || step == _options.Steps)
                TrainingCheckpoint.Save(dir, _models, step, state);
            progress?.Invoke(step, "training");
        }
        if (stopAt < _options.Steps) return state;
        return Finish(state);
    }

    /// <summary>
    /// One loader per source, seeded by (seed, source) and positioned after <paramref name="stepsDone"/>
    /// batches: batches depend only on the seed and the step, so a resumed run sees the same ones.
    /// </summary>
    void StartLoaders(int stepsDone)
    {
        var augmentation = new TrainAugmentation(_config.ImageResolution, ClipPreprocessing.Mean, ClipPreprocessing.Std);
        for (int j = 0; j < _sourceIndices.Length; j++)
            _loaders.Add(new InfiniteDomainLoader(SourceTrainingImages(_sourceIndices[j]), augmentation, _options.Batch,
                new SamplerState(Generator.DeriveSeed(_options.Seed, j), stepsDone), threads: 1, prefetch: 1));
    }

    void TrainStep(int step)
    {
        double lr = _schedule.At(step - 1);   // CosineAnnealingLR stepped after every optimizer step
        using var stepScope = new DisposeScope();
        var loaded = _loaders.Select(l => l.Next()).ToArray();
        using var release = new BatchRelease(loaded);
        var batches = loaded.Select(b => (b.Images, b.Labels)).ToArray();
        var meanUpdate = _options.SignWeight > 0
            ? SignAlignmentLoss.MeanUpdate(_models.Select(m => m.Parameters).ToList(), _theta0Parameters)
            : null;
        if (_options.Method == TrainingMethod.Erm)
        {
            var images = Tensor.Cat(batches.Select(b => b.Images).ToArray());
            var labels = Tensor.Cat(batches.Select(b => b.Labels).ToArray());
            Update(_models[0], step, lr, images, labels, null, null);
            return;
        }
        for (int i = 0; i < _models.Count; i++)
        {
            using var scope = new DisposeScope();
            var model = _models[i];
            var images = batches[i].Images;
            var labels = batches[i].Labels;
            Dictionary<string, int>? enriched = null;
            if (_options.UsesSae)
            {
                var selected = Enrich(model, i, batches);
                enriched = _models.Select((m, j) => (m.Name, Count: selected[j].Length)).Where((_, j) => j != i).ToDictionary(x => x.Name, x => x.Count);
                var extraImages = selected.Select((idx, j) => idx.Length == 0 ? null : batches[j].Images.IndexSelect(0, Tensor.FromArray(idx, idx.Length))).OfType<Tensor>();
                var extraLabels = selected.Select((idx, j) => idx.Length == 0 ? null : batches[j].Labels.IndexSelect(0, Tensor.FromArray(idx, idx.Length))).OfType<Tensor>();
                images = Tensor.Cat([images, .. extraImages]);
                labels = Tensor.Cat([labels, .. extraLabels]);
            }
            Update(model, step, lr, images, labels, meanUpdate, enriched);
        }
    }

    /// <summary>
    /// SAE for model <paramref name="i"/>: the indices of every other batch it joins to its own.
    /// The confidences come from the model in eval mode, so that with batch-norm training on they
    /// neither see batch statistics of a foreign batch nor move the running statistics.
    /// </summary>
    long[][] Enrich(SourceModel model, int i, (Tensor Images, Tensor Labels)[] batches)
    {
        using var noGrad = LibTorch.NoGrad();
        using var scope = new DisposeScope();
        if (_options.TrainBatchNorm) model.Encoder.Eval();
        var confidence = batches.Select(b => SourceEnrichment.MaxProbability(_loss.Logits(ClipModel.Normalize(model.Encoder.Forward(b.Images))))).ToList();
        if (_options.TrainBatchNorm) model.Encoder.Train();
        return SourceEnrichment.SelectFor(i, confidence);
    }

    void Update(SourceModel model, int step, double lr, Tensor images, Tensor labels, Tensor[]? meanUpdate, Dictionary<string, int>? enriched)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        var features = ClipModel.Normalize(model.Encoder.Forward(images));
        var ce = _loss.Compute(features, labels);
        var sign = meanUpdate is null ? null : SignAlignmentLoss.Compute(model.Parameters, _theta0Parameters, meanUpdate);
        var loss = sign is null ? ce : ce + sign * _options.SignWeight;
        model.Optimizer.ZeroGrad();
        loss.Backward();
        model.Optimizer.LearningRate = lr;
        model.Optimizer.Step();
        model.Average.Update(step, model.Parameters);

        var record = new JsonObject
        {
            ["step"] = step, ["source"] = model.Name, ["loss"] = loss.Item(), ["ce"] = ce.Item(),
            ["sign"] = sign?.Item() ?? 0.0, ["batch"] = labels.Size(0), ["lr"] = lr, ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (enriched is not null) record["enriched"] = new JsonObject(enriched.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value)));
        _log.Append(record);
    }

    /// <summary>The model this method delivers from per-model visual states: the merge (or ERM's single model).</summary>
    Dictionary<string, Tensor> Deliver(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states) => _options.Method == TrainingMethod.Erm
        ? states[0].ToDictionary(p => p.Key, p => p.Value)
        : ModelMerger.Merge(MergeMethod.Create(_options.Merge, new MergeOptions { Trim = _options.Trim }), _theta0, states);

    void TrackBestValidation(int step, JsonObject state)
    {
        using var scope = new DisposeScope();
        var current = Deliver(_models.Select(m => (IReadOnlyDictionary<string, Tensor>)m.Encoder.StateDict()).ToList());
        var accuracy = Evaluate(current);
        _log.Append(new JsonObject { ["step"] = step, ["eval"] = accuracy.DeepClone() });
        if (accuracy["val"]!.GetValue<double>() > state["best_val"]!.GetValue<double>())
        {
            state["best_val"] = accuracy["val"]!.GetValue<double>();
            state["best_val_step"] = step;
            state["best_val_model"] = accuracy;
        }
        if (_options.Method != TrainingMethod.Erm) foreach (var t in current.Values) t.Dispose();
    }

    /// <summary>Validation (mean over the sources' out-splits) and test (the test domain's in-split, DomainBed's test_in) accuracy.</summary>
    JsonObject Evaluate(IReadOnlyDictionary<string, Tensor> visualState)
    {
        _evaluationEncoder.LoadStateDict(visualState);
        Func<Tensor, Tensor> logitsOf = x => _loss.Logits(ClipModel.Normalize(_evaluationEncoder.Forward(x)));
        var perDomain = new JsonObject();
        foreach (int d in _sourceIndices)
            perDomain[_dataset.Domains[d].Name] = DomainAccuracy.Evaluate(logitsOf, _config.ImageResolution, Validation(d));
        double test = DomainAccuracy.Evaluate(logitsOf, _config.ImageResolution, TestImages);
        double val = _sourceIndices.Average(d => perDomain[_dataset.Domains[d].Name]!.GetValue<double>());
        perDomain[_dataset.Domains[_testIndex].Name] = test;
        return new JsonObject { ["val"] = val, ["test"] = test, ["per_domain"] = perDomain };
    }

    JsonObject Finish(JsonObject state)
    {
        string dir = _options.OutDir;
        using var scope = new DisposeScope();
        var averaged = _models.Select(m => (IReadOnlyDictionary<string, Tensor>)m.AveragedState()).ToList();
        var trained = _models.Select(m => (IReadOnlyDictionary<string, Tensor>)m.Encoder.StateDict()).ToList();
        var historical = Deliver(averaged);
        var final = Deliver(trained);
        // The delivered sources and model: the historical averages when averaging is part of the
        // method, else the final weights; both variants are scored either way.
        var deliveredSources = _options.UsesAverage ? averaged : trained;
        var textTower = TextTower();
        Directory.CreateDirectory(Path.Combine(dir, "sources"));
        if (_options.Method != TrainingMethod.Erm)
            for (int i = 0; i < _models.Count; i++)
                SaveClip(Path.Combine(dir, "sources", $"{_models[i].Name}.safetensors"), textTower, deliveredSources[i]);
        SaveClip(Path.Combine(dir, "model.safetensors"), textTower, _options.UsesAverage ? historical : final);

        var historicalAccuracy = Evaluate(historical);
        var finalAccuracy = Evaluate(final);
        var delivered = _options.UsesAverage ? historicalAccuracy : finalAccuracy;
        var results = new JsonObject
        {
            ["method"] = _options.Method.ToString().ToLowerInvariant(),
            ["test_domain"] = _options.TestDomain,
            ["delivered"] = _options.UsesAverage ? "historical" : "final",
            ["test_accuracy"] = delivered["test"]!.GetValue<double>(),
            ["val_accuracy"] = delivered["val"]!.GetValue<double>(),
            ["zero_shot_accuracy"] = state["zero_shot"]!["test"]!.GetValue<double>(),
            ["per_domain"] = delivered["per_domain"]!.DeepClone(),
            ["variants"] = new JsonObject
            {
                ["historical"] = historicalAccuracy,
                ["final"] = finalAccuracy,
                ["best_validation"] = state["best_val_model"]?.DeepClone(),
                ["best_validation_step"] = state["best_val_step"]?.DeepClone(),
                ["zero_shot"] = state["zero_shot"]!.DeepClone(),
            },
        };
        AtomicText.WriteJson(Path.Combine(dir, "results.json"), results);
        AtomicText.Write(Path.Combine(dir, "losses.svg"), LossPlot.Svg(_log.CrossEntropyBySource(), $"training loss per source (test domain {_options.TestDomain})"));
        return results;
    }

    /// <summary>
    /// The checkpoint's tensors outside the vision tower (text tower, logit scale) in fp32, read
    /// back from its file once for all the models a run saves: the trainer does not keep them.
    /// </summary>
    Dictionary<string, Tensor> TextTower() => ClipCheckpoint.ReadStateDict(_options.ModelPath)
        .Where(p => !p.Key.StartsWith("visual.")).ToDictionary(p => p.Key, p => p.Value.To(DType.Float32));

    /// <summary>A full OpenAI-named CLIP: <paramref name="textTower"/> with this vision encoder.</summary>
    void SaveClip(string path, IReadOnlyDictionary<string, Tensor> textTower, IReadOnlyDictionary<string, Tensor> visual)
    {
        var full = textTower.ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, tensor) in visual) full["visual." + name] = tensor;
        SafetensorsWriter.Save(path, full, new Dictionary<string, string> { ["ham.method"] = _options.Method.ToString().ToLowerInvariant() });
    }

    JsonObject RunDescription() => new()
    {
        ["options"] = System.Text.Json.JsonSerializer.SerializeToNode(_options, new System.Text.Json.JsonSerializerOptions
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        }),
        ["model"] = _config.Describe(),
        ["domains"] = new JsonArray(_dataset.Domains.Select(d => (JsonNode?)d.Name).ToArray()),
        ["classes"] = new JsonArray(_dataset.Classes.Select(c => (JsonNode?)c).ToArray()),
        ["sources"] = new JsonArray(_models.Select(m => (JsonNode?)m.Name).ToArray()),
        ["libtorch"] = LibTorch.Version,
        ["threads"] = LibTorch.Threads,
        ["split"] = "split.json",
    };

    /// <summary>
    /// A resumed run must be the run that was saved: every option in run.json but the ones that
    /// only say how this process runs (--resume, HAM_STOP_AFTER) must match, or the result would
    /// be neither run.
    /// </summary>
    void RequireSameOptions(string dir)
    {
        string path = Path.Combine(dir, "run.json");
        if (!File.Exists(path)) return;   // killed before run.json was written: nothing was trained
        var saved = JsonNode.Parse(File.ReadAllText(path))!["options"]!.AsObject();
        var current = RunDescription()["options"]!.AsObject();
        foreach (string name in saved.Select(p => p.Key).Union(current.Select(p => p.Key)))
            if (name is not (nameof(TrainingOptions.Resume) or nameof(TrainingOptions.StopAfter)) && !JsonNode.DeepEquals(saved[name], current[name]))
                throw new ArgumentException($"--resume: {path} was made with {name} = {saved[name]?.ToJsonString() ?? "null"}, this run has {current[name]?.ToJsonString() ?? "null"}");
    }

    /// <summary>Disposes a step's batches when the step ends.</summary>
    sealed class BatchRelease(Batch[] batches) : IDisposable
    {
        public void Dispose()
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var model in _models) model.Dispose();
        foreach (var loader in _loaders) loader.Dispose();
        _evaluationEncoder.Dispose();
        _classEmbeddings.Dispose();
        foreach (var t in _theta0.Values) t.Dispose();
    }
}
