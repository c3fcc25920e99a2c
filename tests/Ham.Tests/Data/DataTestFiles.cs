namespace Ham.Tests.Data;

/// <summary>This area's reference files (tests/Ham.Tests/Data/Data, copied beside the test binaries by the test project).</summary>
static class DataTestFiles
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "Data", "Data", .. parts]);
}
