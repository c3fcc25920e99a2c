using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Torch;

/// <summary>Outputs replace only regular files, through a temporary file that never stays behind.</summary>
public class OutputFileTests
{
    [Fact]
    public void ANewFileOrARegularFileIsWrittenWholeAndNoTemporaryFileStays()
    {
        using var tree = new Data.TempTree();
        string path = tree.Path("sub/out.txt");
        OutputFile.WriteAllText(path, "first");
        OutputFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["out.txt"], Directory.GetFiles(tree.Path("sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void ADirectoryALinkAndADeviceAreRefusedAndLeftAsTheyWere()
    {
        using var tree = new Data.TempTree();
        string target = tree.File("target.json", "kept"u8.ToArray());
        string link = tree.Path("link.json");
        File.CreateSymbolicLink(link, target);
        Directory.CreateDirectory(tree.Path("dir.json"));
        foreach (var (path, kind) in new[] { (link, "a symbolic link"), (tree.Path("dir.json"), "a directory"), ("/dev/null", "a device") })
        {
            var e = Assert.Throws<IOException>(() => OutputFile.WriteAllText(path, "new"));
            Assert.Equal($"{path}: {kind}; an output is written only as a new file or over a regular file", e.Message);
        }
        Assert.Equal(FileSystemEntryKind.SymbolicLink, FileSystemEntry.Of(link).Kind);
        Assert.Equal("kept", File.ReadAllText(target));
        Assert.Equal(FileSystemEntryKind.Device, FileSystemEntry.Of("/dev/null").Kind);
        Assert.Equal(["link.json", "target.json"], Directory.GetFiles(tree.Root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void SafetensorsAreWrittenTheSameWay()
    {
        using var tree = new Data.TempTree();
        using var scope = new DisposeScope();
        var tensors = new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([2]) };
        Assert.Throws<IOException>(() => SafetensorsWriter.Save("/dev/null", tensors));
        string path = tree.Path("m.safetensors");
        SafetensorsWriter.Save(path, tensors);
        Assert.Equal(2, SafetensorsFile.Load(path)["w"].Sum().Item());
        Assert.Equal(["m.safetensors"], Directory.GetFiles(tree.Root).Select(Path.GetFileName));
    }
}
