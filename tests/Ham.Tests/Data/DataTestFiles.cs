namespace Ham.Tests.Data;

/// <summary>Locates this area's reference files (tests/Ham.Tests/Data/Data) in the source tree, found from the build output by Ham.sln.</summary>
static class DataTestFiles
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "Ham.Tests", "Data", "Data");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Ham.sln")) && Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Ham.Tests/Data/Data was not found above the test binaries");
    }
}
