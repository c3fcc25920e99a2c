namespace Ham.Tests;

/// <summary>Locates ../shared (fixtures, PACS-mini, the CLIP vocabulary) beside the repository, or $HAM_SHARED; and the repository itself.</summary>
static class SharedData
{
    public static string Root { get; } = Find();

    /// <summary>The checkout the tests were built from (the folder holding Ham.sln).</summary>
    public static string Repository { get; } = FindRepository();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Ham.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Ham.sln above {AppContext.BaseDirectory}");
    }

    static string Find()
    {
        string? env = Environment.GetEnvironmentVariable("HAM_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Ham.sln")))
            {
                string shared = System.IO.Path.Combine(dir.FullName, "..", "shared");
                if (Directory.Exists(shared)) return System.IO.Path.GetFullPath(shared);
            }
        }
        throw new DirectoryNotFoundException("../shared was not found beside the repository; set HAM_SHARED");
    }
}
