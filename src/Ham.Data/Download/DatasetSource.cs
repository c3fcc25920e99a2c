namespace Ham.Data.Download;

/// <summary>One archive to fetch: its URL, the file name to save it as, and its SHA-256 where known.</summary>
public sealed record DownloadFile(string Url, string FileName, string? Sha256 = null);

/// <summary>
/// Where a dataset comes from and how its archives become the DomainBed folder ROOT/<see cref="Folder"/>:
/// the archives are unpacked into ROOT (or into ROOT/Folder when <see cref="UnpackInsideFolder"/>),
/// then <see cref="UnpackedFolder"/>, if set, is renamed to Folder, then <see cref="Organize"/>, if
/// set, rearranges ROOT/Folder.
/// </summary>
public sealed record DatasetSource(string Name, string Folder, IReadOnlyList<DownloadFile> Files, bool UnpackInsideFolder = false,
    string? UnpackedFolder = null, Action<string>? Organize = null)
{
    /// <summary>
    /// The sources of DomainBed's domainbed/scripts/download.py. Its Google Drive links
    /// (drive.google.com/uc?id=ID, fetched there with gdown) are used in the form Drive serves large
    /// files from without the virus-scan page. DomainBed records no checksums, so none are known;
    /// the downloader prints each file's SHA-256 so a user can pin it.
    /// </summary>
    public static IReadOnlyList<DatasetSource> DomainBed { get; } =
    [
        new("PACS", "PACS", [new(Drive("1JFr8f805nMUelQWWmfnJR3y4_SYoN5Pd"), "PACS.zip")], UnpackedFolder: "kfold"),
        new("VLCS", "VLCS", [new(Drive("1skwblH1_okBwxWxmRsp9_qi15hyPpxg8"), "VLCS.tar.gz")]),
        new("OfficeHome", "office_home", [new(Drive("1uY0pj7oFsjMxRwaD3Sxy0jgel0fsYXLC"), "office_home.zip")], UnpackedFolder: "OfficeHomeDataset_10072016"),
        new("TerraIncognita", "terra_incognita",
        [
            new("https://lilablobssc.blob.core.windows.net/caltechcameratraps/eccv_18_all_images_sm.tar.gz", "terra_incognita_images.tar.gz"),
            new("https://lilablobssc.blob.core.windows.net/caltechcameratraps/labels/caltech_camera_traps.json.zip", "caltech_camera_traps.json.zip"),
        ], UnpackInsideFolder: true, Organize: TerraIncognitaLayout.Organize),
        new("DomainNet", "domain_net",
        [
            new("http://csr.bu.edu/ftp/visda/2019/multi-source/groundtruth/clipart.zip", "clipart.zip"),
            new("http://csr.bu.edu/ftp/visda/2019/multi-source/infograph.zip", "infograph.zip"),
            new("http://csr.bu.edu/ftp/visda/2019/multi-source/groundtruth/painting.zip", "painting.zip"),
            new("http://csr.bu.edu/ftp/visda/2019/multi-source/quickdraw.zip", "quickdraw.zip"),
            new("http://csr.bu.edu/ftp/visda/2019/multi-source/real.zip", "real.zip"),
            new("http://csr.bu.edu/ftp/visda/2019/multi-source/sketch.zip", "sketch.zip"),
        ], UnpackInsideFolder: true),
    ];

    /// <summary>The source called <paramref name="name"/> (case-insensitive), or an error listing the names.</summary>
    public static DatasetSource Get(string name) =>
        DomainBed.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown dataset '{name}'; known: {string.Join(", ", DomainBed.Select(s => s.Name))}");

    static string Drive(string id) => $"https://drive.usercontent.google.com/download?id={id}&export=download&confirm=t";
}
