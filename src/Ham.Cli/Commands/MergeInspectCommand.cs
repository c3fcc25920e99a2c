using System.CommandLine;
using Ham.Experiments;
using System.Globalization;
using System.Text;
using Ham.Merging;
using Ham.Merging.Inspection;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham merge inspect`: the update vectors of models against their base (<see cref="UpdateStatistics"/>),
/// per tensor group: norms, pairwise cosines, sign conflicts overall and among what RHM's trim
/// keeps, and what RHM's and TIES's thresholds keep; tables, and with --out a CSV and a heat
/// map of the whole model's cosines.
/// </summary>
static class MergeInspectCommand
{
    public static Command Create()
    {
        var baseModel = new Option<string>("--base") { Description = "the common starting model theta0 (a .safetensors file or folder)", Required = true };
        var models = new Option<string[]>("--models") { Description = "the models whose updates are inspected", AllowMultipleArgumentsPerToken = true, Required = true };
        var trim = new Option<double>("--trim") { Description = "RHM's trim ratio r whose kept entries are measured", DefaultValueFactory = _ => 0.2 };
        var density = new Option<double>("--density") { Description = "TIES's density whose kept entries are measured", DefaultValueFactory = _ => 0.2 };
        var output = new Option<string>("--out") { Description = "a folder for inspection.csv and cosines.svg" };
        var command = new Command("inspect", "Measure the update vectors of models against their base: norms, cosines, sign conflicts, what trims keep.")
            { baseModel, models, trim, density, output };
        command.SetAction(parse => Run(parse.GetValue(baseModel)!, parse.GetValue(models)!, parse.GetValue(trim), parse.GetValue(density), parse.GetValue(output)));
        return command;
    }

    static int Run(string basePath, string[] modelPaths, double trim, double density, string? output)
    {
        var sources = new List<StateSource>();
        UpdateStatistics statistics;
        try
        {
            var theta0 = StateSource.Open(basePath);
            sources.Add(theta0);
            foreach (string path in modelPaths) sources.Add(StateSource.Open(path));
            var inputs = new MergeInputs(theta0, sources.Skip(1).ToList());
            statistics = null!;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn()).Start(ctx =>
            {
                var task = ctx.AddTask($"inspect: {modelPaths.Length} models");
                statistics = UpdateStatistics.Of(inputs, trim, density, (done, total) => { task.MaxValue = total; task.Value = done; });
            });
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
        var names = ModelNames(modelPaths);
        AnsiConsole.Write(GroupTable(statistics));
        AnsiConsole.Write(ModelTable(statistics, names));
        AnsiConsole.Write(CosineTable(statistics.Model.Cosines, names));
        if (output != null)
        {
            Directory.CreateDirectory(output);
            Ham.Torch.Serialization.OutputFile.WriteAllText(Path.Combine(output, "inspection.csv"), Csv(statistics, names));
            Ham.Torch.Serialization.OutputFile.WriteAllText(Path.Combine(output, "cosines.svg"),
                CosineHeatMap.Svg(statistics.Model.Cosines, names, "cosine of update vectors (whole model)"));
            Console.WriteLine($"wrote {Path.Combine(output, "inspection.csv")} and {Path.Combine(output, "cosines.svg")}");
        }
        return 0;
    }

    /// <summary>File names, or the paths as given where two file names are the same.</summary>
    static List<string> ModelNames(string[] paths)
    {
        var names = paths.Select(p => Path.GetFileName(Path.TrimEndingDirectorySeparator(p))).ToList();
        return names.Distinct().Count() == names.Count ? names : paths.ToList();
    }

    static string Percent(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture) + "%";

    static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    static Table GroupTable(UpdateStatistics s)
    {
        var table = new Table().AddColumns("group", "entries", "mean cosine", "sign conflicts", $"among kept (trim {Number(s.Trim)})");
        foreach (var g in s.Groups)
            table.AddRow(Markup.Escape(g.Group), g.Entries.ToString(), Number(g.MeanCosine), Percent(g.SignConflictFraction), Percent(g.KeptSignConflictFraction));
        return table;
    }

    static Table ModelTable(UpdateStatistics s, List<string> names)
    {
        var table = new Table().AddColumns("group", "model", "update norm", $"rhm {Number(s.Trim)} keeps", $"ties {Number(s.Density)} keeps");
        foreach (var g in s.Groups)
            for (int i = 0; i < names.Count; i++)
                table.AddRow(Markup.Escape(g.Group), Markup.Escape(names[i]), Number(g.Norms[i]), Percent(g.TrimKeptFraction[i]), Percent(g.TiesKeptFraction[i]));
        table.Caption = new TableTitle($"thresholds |v|: rhm {string.Join(", ", s.TrimThresholds.Select(t => t is { } v ? Number(v) : "none"))}; " +
            $"ties {string.Join(", ", s.TiesThresholds.Select(t => t is { } v ? Number(v) : "none"))}");
        return table;
    }

    static Table CosineTable(double[,] cosines, List<string> names)
    {
        var table = new Table { Title = new TableTitle("cosine of update vectors (whole model)") }.AddColumn("");
        foreach (string name in names) table.AddColumn(Markup.Escape(name));
        for (int i = 0; i < names.Count; i++)
            table.AddRow([Markup.Escape(names[i]), .. Enumerable.Range(0, names.Count).Select(j => cosines[i, j].ToString("F3", CultureInfo.InvariantCulture))]);
        return table;
    }

    /// <summary>One row per group and model: every measure, the group's shared ones repeated.</summary>
    static string Csv(UpdateStatistics s, List<string> names)
    {
        var csv = new StringBuilder("group,model,entries,update_norm,rhm_keeps,ties_keeps,mean_cosine,sign_conflicts,kept_sign_conflicts,"
            + string.Join(",", names.Select(n => $"cosine_{n}")) + "\n");
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var g in s.Groups)
            for (int i = 0; i < names.Count; i++)
                csv.Append($"{CsvFields.Quote(g.Group)},{CsvFields.Quote(names[i])},{g.Entries},{R(g.Norms[i])},{R(g.TrimKeptFraction[i])},{R(g.TiesKeptFraction[i])}," +
                    $"{R(g.MeanCosine)},{R(g.SignConflictFraction)},{R(g.KeptSignConflictFraction)},{string.Join(",", Enumerable.Range(0, names.Count).Select(j => R(g.Cosines[i, j])))}\n");
        return csv.ToString();
    }
}
