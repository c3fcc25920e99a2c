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
    /// <param name="threads">decode threads (at least 1)</param>
    /// <param name="progress">called with the number of images checked so far, from any thread</param>
    public static ScanReport Run(DomainDataset dataset, int threads, Action<int>? progress = null)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "need at least one thread");
        var paths = dataset.Domains.SelectMany(d => d.Images).Select(i => i.Path).ToArray();
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
