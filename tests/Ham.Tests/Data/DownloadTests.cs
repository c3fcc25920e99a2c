using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ham.Data.Download;

namespace Ham.Tests.Data;

/// <summary>Download, resume, checksum and unpack against a local HTTP server; fast failure without a reachable host.</summary>
public class DownloadTests
{
    static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A zip laid out like DomainBed's PACS.zip: kfold/&lt;domain&gt;/&lt;class&gt;/&lt;image&gt;.</summary>
    static byte[] PacsLikeZip(Dictionary<string, byte[]> entries)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
        return memory.ToArray();
    }

    [Fact]
    public void ACutConnectionIsResumedWithARangeRequest()
    {
        var body = Random(300_000, 1);
        using var server = new LocalHttpServer(new() { ["/file.bin"] = body }, cutFirstResponseAfter: 100_000);
        using var tree = new TempTree();
        using var client = new HttpClient();
        string sha = ResumableDownload.Fetch(client, server.Url("/file.bin"), tree.Path("file.bin"), Convert.ToHexStringLower(SHA256.HashData(body)));
        Assert.Equal(body, File.ReadAllBytes(tree.Path("file.bin")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), sha);
        Assert.False(File.Exists(tree.Path("file.bin.part")));
        Assert.Equal(2, server.Requests.Count);
        Assert.Null(server.Requests[0].Range);
        Assert.StartsWith("bytes=", server.Requests[1].Range);
        long resumedAt = long.Parse(server.Requests[1].Range!["bytes=".Length..].TrimEnd('-'));
        Assert.InRange(resumedAt, 1, 100_000);
    }

    [Fact]
    public void APartialFileFromAnEarlierRunIsContinued()
    {
        var body = Random(50_000, 2);
        using var server = new LocalHttpServer(new() { ["/a.bin"] = body });
        using var tree = new TempTree();
        tree.File("a.bin.part", body[..20_000]);
        using var client = new HttpClient();
        ResumableDownload.Fetch(client, server.Url("/a.bin"), tree.Path("a.bin"));
        Assert.Equal(body, File.ReadAllBytes(tree.Path("a.bin")));
        Assert.Equal("bytes=20000-", server.Requests.Single().Range);
    }

    [Fact]
    public void AWrongChecksumDeletesThePartialFile()
    {
        using var server = new LocalHttpServer(new() { ["/a.bin"] = Random(1000, 3) });
        using var tree = new TempTree();
        using var client = new HttpClient();
        var error = Assert.Throws<DownloadException>(() => ResumableDownload.Fetch(client, server.Url("/a.bin"), tree.Path("a.bin"), new string('0', 64)));
        Assert.Contains("SHA-256", error.Message);
        Assert.False(File.Exists(tree.Path("a.bin.part")));
        Assert.False(File.Exists(tree.Path("a.bin")));
    }

    [Fact]
    public void DatasetIsFetchedUnpackedAndRenamed()
    {
        var image = Random(5000, 4);
        var zip = PacsLikeZip(new() { ["kfold/photo/dog/1.jpg"] = image, ["kfold/sketch/dog/2.png"] = image[..100] });
        using var server = new LocalHttpServer(new() { ["/PACS.zip"] = zip }, cutFirstResponseAfter: zip.Length / 3);
        using var tree = new TempTree();
        using var client = new HttpClient();
        var source = new DatasetSource("PACS", "PACS", [new(server.Url("/PACS.zip"), "PACS.zip", Convert.ToHexStringLower(SHA256.HashData(zip)))], UnpackedFolder: "kfold");
        var log = new List<string>();
        string target = DatasetDownloader.Run(source, tree.Root, client, log.Add);
        Assert.Equal(tree.Path("PACS"), target);
        Assert.Equal(image, File.ReadAllBytes(tree.Path("PACS/photo/dog/1.jpg")));
        Assert.Equal(image[..100], File.ReadAllBytes(tree.Path("PACS/sketch/dog/2.png")));
        Assert.False(File.Exists(tree.Path("PACS.zip")));
        Assert.False(Directory.Exists(tree.Path("kfold")));
        Assert.Contains(log, l => l.Contains("sha256"));
        // A second run finds the folder and fetches nothing.
        int requests = server.Requests.Count;
        DatasetDownloader.Run(source, tree.Root, client);
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public void AnUnreachableHostFailsFastWithAClearMessage()
    {
        var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        string url = $"http://127.0.0.1:{((IPEndPoint)port.LocalEndpoint).Port}/PACS.zip";
        port.Stop(); // nothing listens there now: connection refused
        using var tree = new TempTree();
        using var client = new HttpClient();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<DownloadException>(() => ResumableDownload.Fetch(client, url, tree.Path("PACS.zip")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Contains("cannot reach 127.0.0.1", error.Message);
        Assert.Contains("no network?", error.Message);
    }

    [Fact]
    public void HttpErrorsAndUnknownNamesAreReported()
    {
        using var server = new LocalHttpServer([]);
        using var tree = new TempTree();
        using var client = new HttpClient();
        Assert.Contains("HTTP 404", Assert.Throws<DownloadException>(() => ResumableDownload.Fetch(client, server.Url("/missing.zip"), tree.Path("x.zip"))).Message);
        Assert.Contains("known: PACS, VLCS, OfficeHome, TerraIncognita, DomainNet", Assert.Throws<ArgumentException>(() => DatasetSource.Get("MNIST")).Message);
    }
}
