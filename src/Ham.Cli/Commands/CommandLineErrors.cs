using System.CommandLine;

namespace Ham.Cli.Commands;

/// <summary>Runs a parsed command; a user error ends the process with a one-line message, not a stack trace.</summary>
static class CommandLineErrors
{
    public static int Invoke(RootCommand root, string[] args)
    {
        try
        {
            // System.CommandLine's own handler would print a stack trace; ours prints the message.
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or Ham.Torch.TorchException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (Environment.GetEnvironmentVariable("HAM_DEBUG") == "1") Console.Error.WriteLine(e);
            return 1;
        }
    }
}
