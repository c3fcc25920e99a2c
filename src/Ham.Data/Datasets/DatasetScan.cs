using Ham.Data.Images;

namespace Ham.Data.Datasets;

/// <summary>What a scan found: how many images were decoded and which could not be (file and reason).</summary>
public sealed record ScanReport(int Checked, IReadOnlyList<ImageFileException> Unreadable)
{
    public int Readable => Checked - Unreadable.Count;
}

/// <summary>
/// Decodes every image of a dataset to find the unreadable ones, in parallel. A bad file does not
/// stop the scan: it is counted and listed (sorted by path) so the user can remove or replace it.
/// </summary>
public static class DatasetScan
{
    /// <summary>
    /// <paramref name="dataset"/> without the unreadable images of <paramref name="domains"/> (all
    /// by default), and the scan that found them: commands that read a dataset check it once,
    /// before any work, so no run meets a bad image half-way (one decode per image).
    /// </summary>
    public static (DomainDataset Readable, ScanReport Report) Readable(DomainDataset dataset, int threads, Action<int>? progress = null,
        IReadOnlyList<Domain>? domains = null)
    {
        var report = Run(domains ?? dataset.Domains, threads, progress);
        return (dataset.Without(report.Unreadable.Select(e => e.File)), report);
    }

    /// <param name="threads">decode threads (at least 1)</param>
    /// <param name="progress">called with the number of images checked so far, from any thread</param>
    public static ScanReport Run(DomainDataset dataset, int threads, Action<int>? progress = null) => Run(dataset.Domains, threads, progress);

    /// <summary>The scan of some domains only.</summary>
    public static ScanReport Run(IReadOnlyList<Domain> domains, int threads, Action<int>? progress = null)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "need at least one thread");
        var paths = domains.SelectMany(d => d.Images).Select(i => i.Path).ToArray();
        var unreadable = new List<ImageFileException>();
        int done = 0;
        Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = threads }, path =>
        {
            try
            {
                ImageCodec.Read(path);
            }
            catch (ImageFileException e)
            {
                lock (unreadable) unreadable.Add(e);
            }
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        unreadable.Sort((a, b) => PythonStringOrder.Instance.Compare(a.File, b.File));
        return new ScanReport(paths.Length, unreadable);
    }
}
