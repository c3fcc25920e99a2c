using System.Text.Json.Nodes;
using Ham.Data.Datasets;
using Ham.Data.Loading;
using Ham.Data.Splits;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Torch.Optim;
using Ham.Training.Algorithms;
using Ham.Training.Backbones;
using Ham.Training.Distributed;
using Ham.Torch.Distributed;
using Ham.Training.Hyperparameters;
using Ham.Merging.Inspection;

namespace Ham.Training;

/// <summary>
/// The driver of a training run (DomainBed's train.py): opens the dataset and its split, the
/// backbone and the algorithm with its resolved hyperparameters; then steps the algorithm on one
/// batch per source, evaluates every `EvalEvery` steps, checkpoints every `CheckpointEvery`,
/// and at the end writes what the algorithm delivers and its scores to the run folder.
/// Given a process group, it runs as one rank of a multi-process run (<see cref="SourceGroup"/>):
/// it trains its share of the sources, and only rank 0 writes the run folder and evaluates.
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly TrainingOptions options;
    readonly DomainDataset dataset;
    readonly IReadOnlyList<DomainSplit> splits;
    readonly int testIndex;
    readonly int[] sourceIndices;
    readonly Backbone backbone;
    readonly HyperparameterValues hyperparameters;
    readonly Algorithm algorithm;
    readonly SplitEvaluation evaluation;
    readonly RunFolder folder;
    readonly TrainingLog log;
    readonly RunRecords records;
    readonly JsonObject configuration;
    readonly CosineSchedule schedule;
    readonly Device device;
    readonly Precision precision;
    readonly List<InfiniteDomainLoader> loaders = [];
    readonly SourceGroup share;
    readonly RunLock? runLock;
    readonly IReadOnlyList<string> skippedImages;

    /// <param name="readable">
    /// the dataset to train on, given its listing: a command that decodes every image first and
    /// leaves out the unreadable ones passes that check here (it runs after the options, the run
    /// folder and the model are checked, before anything is written); none trains on the listing
    /// </param>
    /// <param name="ranks">the process group of a multi-process run (its lifetime is the caller's), or null for one process</param>
    public Trainer(TrainingOptions options, Func<DomainDataset, DomainDataset>? readable = null, ProcessGroup? ranks = null, int localRank = 0)
    {
        options.Validate();
        this.options = options;
        var listing = DomainDataset.Open(options.DataDir);
        testIndex = listing.IndexOf(options.TestDomain);
        int sourceCount = listing.Domains.Count - 1;
        share = ranks is null ? SourceGroup.SingleProcess(sourceCount) : SourceGroup.Across(ranks, sourceCount, localRank);
        device = Devices.Require(share.DeviceFor(options.Device));
        precision = PrecisionNames.Parse(options.Precision, "--precision");
        using (Autocast.On(device, precision)) { }   // a precision this libtorch cannot autocast to on this device fails now, not at step 1
        folder = new RunFolder(options.OutDir);
        // The run folder is rank 0's: the other ranks write only their checkpoint folders into it.
        if (share.IsLeader) folder.RequireClaimable(options.DataDir, options.Resume, options.Overwrite);
        backbone = Backbone.Open(options.ModelPath, listing.Classes, new BackboneOptions(options.ImageSize, options.Seed, options.ParsedActivation));
        try
        {
            hyperparameters = HyperparameterSpace.Resolve(options.Method, backbone.Kind, options.HparamsSeed, options.TrialSeed, options.Hyperparameters);
            dataset = readable?.Invoke(listing) ?? listing;
            sourceIndices = Enumerable.Range(0, dataset.Domains.Count).Where(i => i != testIndex).ToArray();
            splits = DomainBedSplit.ForDomains(dataset.Domains.Select(d => (d.Name, d.Images.Count)).ToList(), testIndex, options.TrialSeed);
            RequireBatchFits();
            var context = new AlgorithmContext(backbone, hyperparameters, sourceIndices.Select(i => dataset.Domains[i].Name).ToList(),
                options.Seed, options.TrainBatchNorm, device, precision) { SourceGroup = share };
            algorithm = AlgorithmRegistry.Get(options.Method).Create(context);
            if (share.IsDistributed && algorithm.AcrossRanks == AcrossRanks.No)
                throw new ArgumentException($"--method {options.Method}: it runs in one process only (its loss couples the sources' batches, or it is not done) " +
                    "(across ranks: the per-source algorithms, erm and clipood)");
            evaluation = new SplitEvaluation(backbone, dataset, splits, testIndex, device);
            // last: once the folder is claimed (an old run removed), nothing here fails
            runLock = share.IsLeader ? folder.Claim(options.DataDir, options.Resume, options.Overwrite) : null;
        }
        catch
        {
            evaluation?.Dispose();
            algorithm?.Dispose();
            backbone.Dispose();
            throw;
        }
        skippedImages = listing.Domains.SelectMany(d => d.Images).Select(i => i.Path)
            .Except(dataset.Domains.SelectMany(d => d.Images).Select(i => i.Path)).Select(p => Path.GetRelativePath(options.DataDir, p)).ToList();
        schedule = new CosineSchedule(hyperparameters.Double("lr"), Steps);
        log = new TrainingLog(folder.Log);
        records = new RunRecords(folder.Records);
        configuration = RunConfiguration.Of(options, hyperparameters);
    }

    /// <summary>
    /// Every source must hold a batch: batches are drawn with replacement, so a larger one would
    /// train on, repeating images within each batch; DomainBed's InfiniteDataLoader
    /// (RandomSampler(replacement=True) cut by BatchSampler(drop_last=True)) never yields such a batch at all.
    /// </summary>
    void RequireBatchFits()
    {
        int batch = hyperparameters.Int("batch_size");
        foreach (int i in sourceIndices)
            if (splits[i].In.Count < batch)
                throw new ArgumentException($"hyperparameter batch_size is {batch}, but source '{dataset.Domains[i].Name}' has {splits[i].In.Count} training images " +
                    $"(its in-split, without the {splits[i].Out.Count} held out): a batch draws from one source, so use at most {sourceIndices.Min(j => splits[j].In.Count)}");
    }

    /// <summary>The checkpoint did not say its activation and the default (CLIP: OpenAI's QuickGELU) was assumed; the CLI says so.</summary>
    public bool ActivationAssumed => backbone.ActivationAssumed;

    int Steps => hyperparameters.Int("steps");

    /// <summary>The resolved hyperparameters (registry defaults, draws and overrides), as run.json records them.</summary>
    public HyperparameterValues Hyperparameters => hyperparameters;

    /// <summary>Trains (or resumes), evaluates, delivers and writes the run folder; returns results.json's content (or the state, when stopped early).</summary>
    public JsonObject Run(Action<int, string>? progress = null)
    {
        var description = RunDescription();
        if (share.IsDistributed) description["world_size"] = share.WorldSize;
        if (options.Resume)
        {
            folder.RequireSameRun(description);
            share.RequireNoForeignCheckpoints(options.OutDir);
        }
        var state = options.Resume ? TrainingCheckpoint.Load(options.OutDir, algorithm.Models, share.CheckpointName) : null;
        int start = share.AgreeOnStep(state?["step"]!.GetValue<int>() ?? 0);
        if (share.IsLeader && File.Exists(folder.Done)) File.Delete(folder.Done);   // (once the checkpoint has loaded) until Finish writes it again, the folder is not a finished run
        if (state is null && !share.IsLeader) state = new JsonObject();   // model selection is rank 0's
        else if (state is null)
        {
            if (File.Exists(folder.Log)) File.Delete(folder.Log);
            if (File.Exists(folder.Records)) File.Delete(folder.Records);
            SplitFile.Write(folder.SplitJson, splits);
            AtomicText.WriteJson(folder.RunJson, description);
            progress?.Invoke(0, "zero-shot evaluation");
            state = ModelSelection.Start(Score(backbone.InitialState, 0, "zero_shot", !algorithm.DeliversAverage));
        }
        else if (share.IsLeader)
        {
            log.TruncateAfter(start);
            records.TruncateAfter(start);
        }
        StartLoaders(start);

        int stopAt = options.StopAfter is { } n ? Math.Min(Steps, start + n) : Steps;
        for (int step = start + 1; step <= stopAt; step++)
        {
            TrainStep(step);
            if (step % options.EvalEvery == 0 || step == Steps)
            {
                progress?.Invoke(step, "evaluating");
                EvaluateCurrent(step, state);
            }
            if (step % options.CheckpointEvery == 0 || step == Steps)
                TrainingCheckpoint.Save(options.OutDir, algorithm.Models, step, state, share.CheckpointName, beforeSwap: share.Barrier);
            progress?.Invoke(step, "training");
        }
        if (stopAt < Steps) return state;
        return share.IsLeader ? Finish(state) : FollowFinish();
    }

    /// <summary>
    /// One loader per source, seeded by (seed, source) and positioned after <paramref name="stepsDone"/>
    /// batches: batches depend only on the seed and the step, so a resumed run sees the same ones.
    /// </summary>
    void StartLoaders(int stepsDone)
    {
        var augmentation = new TrainAugmentation(backbone.Resolution, backbone.Mean, backbone.Std);
        int batch = hyperparameters.Int("batch_size");
        for (int j = 0; j < sourceIndices.Length; j++)
        {
            int domain = sourceIndices[j];
            var images = splits[domain].In.Select(i => dataset.Domains[domain].Images[i]).ToList();
            loaders.Add(new InfiniteDomainLoader(images, augmentation, batch,
                new SamplerState(Generator.DeriveSeed(options.Seed, j), stepsDone), threads: 1, prefetch: 1, pinMemory: device.Type == DeviceType.CUDA));
        }
    }

    void TrainStep(int step)
    {
        double lr = schedule.At(step - 1);   // CosineAnnealingLR stepped after every optimizer step
        using var scope = new DisposeScope();
        var loaded = loaders.Select(l => l.Next()).ToArray();
        try
        {
            var batches = loaded.Select(b => new SourceBatch(OnDevice(b.Images), OnDevice(b.Labels))).ToList();
            using var autocast = Autocast.On(device, precision);
            foreach (var record in share.AllRecords(algorithm.Update(step, lr, batches)))
                if (share.IsLeader) log.Append(record);
        }
        finally
        {
            foreach (var batch in loaded) batch.Dispose();
        }
    }

    /// <summary>
    /// A batch tensor on the training device. On a GPU the loaders' images are pinned, so the copy
    /// returns at once, ordered on the stream before the step's kernels (libtorch keeps the pinned
    /// block until the copy is done); the small label tensors are pageable and copy before return.
    /// On the CPU it is the tensor itself.
    /// </summary>
    Tensor OnDevice(Tensor t) => t.To(device, nonBlocking: true);

    /// <summary>States of every model of the run (across ranks, every rank's): their final weights, or their historical averages.</summary>
    IReadOnlyList<IReadOnlyDictionary<string, Tensor>> States(bool averaged)
    {
        var local = algorithm.Models.Select(m => (IReadOnlyDictionary<string, Tensor>)(averaged ? m.AveragedState() : m.Model.StateDict())).ToList();
        return algorithm.AcrossRanks == AcrossRanks.SourcesDealt ? share.AllStates(local) : local;   // data parallel: every rank holds the model
    }

    void EvaluateCurrent(int step, JsonObject state)
    {
        using var scope = new DisposeScope();
        var states = States(averaged: false);
        if (!share.IsLeader) return;
        var current = algorithm.Deliver(states);
        try
        {
            var accuracy = Score(current, step, "current", !algorithm.DeliversAverage);
            log.Append(new JsonObject { ["step"] = step, ["eval"] = accuracy.DeepClone() });
            ModelSelection.Offer(state, step, accuracy);
        }
        finally
        {
            if (algorithm.DeliveryAllocates) foreach (var t in current.Values) t.Dispose();
        }
    }

    JsonObject Finish(JsonObject state)
    {
        using var scope = new DisposeScope();
        var averaged = States(averaged: true);
        var trained = States(averaged: false);
        var historical = algorithm.Deliver(averaged);
        var final = algorithm.Deliver(trained);
        try
        {
            // The delivered sources and model: the historical averages when averaging is part of the
            // method, else the final weights; both variants are scored either way.
            bool average = algorithm.DeliversAverage;
            var deliveredSources = average ? averaged : trained;
            var metadata = new Dictionary<string, string> { ["ham.method"] = options.Method };
            var saves = new List<(string, IReadOnlyDictionary<string, Tensor>)>();
            if (algorithm.ModelNames.Count > 1)
            {
                Directory.CreateDirectory(folder.Sources);
                for (int i = 0; i < algorithm.ModelNames.Count; i++) saves.Add((folder.Source(algorithm.ModelNames[i]), deliveredSources[i]));
            }
            saves.Add((folder.Model, average ? historical : final));
            backbone.Save(saves, metadata);

            var historicalAccuracy = Score(historical, Steps, "historical", average);
            var finalAccuracy = Score(final, Steps, "final", !average);
            var delivered = average ? historicalAccuracy : finalAccuracy;
            var results = new JsonObject
            {
                ["method"] = options.Method,
                ["test_domain"] = options.TestDomain,
                ["delivered"] = average ? "historical" : "final",
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
            if (algorithm.ModelNames.Count > 1) results["sign_conflict_fraction"] = SignConflictFraction(deliveredSources);
            AtomicText.WriteJson(folder.Results, results);
            AtomicText.Write(folder.LossPlot, LossPlot.Svg(log.CrossEntropyBySource(), $"training loss per source (test domain {options.TestDomain})"));
            AtomicText.WriteJson(folder.Done, configuration);   // last: a sweep skips a job whose folder has it
            return results;
        }
        finally
        {
            if (algorithm.DeliveryAllocates)
                foreach (var t in historical.Values.Concat(final.Values)) t.Dispose();
        }
    }

    /// <summary>Scores <paramref name="state"/> on the split and appends its results.jsonl record; returns the summary results.json and log.jsonl hold.</summary>
    JsonObject Score(IReadOnlyDictionary<string, Tensor> state, int step, string model, bool delivered)
    {
        var scores = evaluation.Evaluate(state);
        records.Append(RunRecords.Record(configuration, step, model, delivered, scores.Splits));
        return scores.Summary;
    }

    /// <summary>A rank other than 0 at the end: sends its sources' states for <see cref="Finish"/> on rank 0 and writes nothing.</summary>
    JsonObject FollowFinish()
    {
        using var scope = new DisposeScope();
        States(averaged: true);
        States(averaged: false);
        return new JsonObject { ["rank"] = share.Rank, ["sources"] = new JsonArray(algorithm.Models.Select(m => (JsonNode?)m.Name).ToArray()) };
    }

    /// <summary>
    /// How often the delivered sources' updates disagree in sign over the trained tensors (what
    /// OPA is meant to lower), as `ham merge inspect` measures it (<see cref="UpdateStatistics"/>).
    /// </summary>
    double SignConflictFraction(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> sources)
    {
        using var scope = new DisposeScope();
        var trained = algorithm.Models[0].Model.NamedParameters().Select(p => p.Name).ToList();
        IReadOnlyDictionary<string, Tensor> OnHost(IReadOnlyDictionary<string, Tensor> state) => trained.ToDictionary(n => n, n => state[n].To(Device.CPU));
        return UpdateStatistics.Of(OnHost(backbone.InitialState), sources.Select(OnHost).ToList()).SignConflictFraction;
    }

    JsonObject RunDescription() => new()
    {
        ["options"] = System.Text.Json.JsonSerializer.SerializeToNode(options),
        ["hyperparameters"] = hyperparameters.ToJson(),
        ["model"] = backbone.Describe(),
        ["backbone"] = backbone.Kind,
        ["domains"] = new JsonArray(dataset.Domains.Select(d => (JsonNode?)d.Name).ToArray()),
        ["classes"] = new JsonArray(dataset.Classes.Select(c => (JsonNode?)c).ToArray()),
        ["sources"] = new JsonArray(algorithm.ModelNames.Select(m => (JsonNode?)m).ToArray()),
        ["libtorch"] = LibTorch.Version,
        ["threads"] = LibTorch.Threads,
        ["split"] = "split.json",
        ["skipped_images"] = new JsonArray(skippedImages.Select(p => (JsonNode?)p).ToArray()),
    };

    public void Dispose()
    {
        foreach (var loader in loaders) loader.Dispose();
        evaluation.Dispose();
        algorithm.Dispose();
        backbone.Dispose();
        runLock?.Dispose();
    }
}
