namespace Ham.Tests.Cli;

/// <summary>Runs `ham ARGS...` in-process with stdout and stderr captured (together); tests that use it share one collection so they never run concurrently.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var (originalOut, originalError) = (Console.Out, Console.Error);
        var captured = new StringWriter();
        Console.SetOut(captured);
        Console.SetError(captured);
        try
        {
            int code = Ham.Cli.Program.Main(args);
            return (code, captured.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
