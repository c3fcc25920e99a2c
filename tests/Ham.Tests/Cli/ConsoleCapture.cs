namespace Ham.Tests.Cli;

/// <summary>Runs `ham ARGS...` in-process with stdout and stderr captured (together); tests that use it share one collection so they never run concurrently.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var (originalOut, originalError, originalAnsi) = (Console.Out, Console.Error, Spectre.Console.AnsiConsole.Console);
        var captured = new StringWriter();
        Console.SetOut(captured);
        Console.SetError(captured);
        // Spectre's console keeps the writer Console.Out had when it was first used: tables and
        // progress go to this run's capture only if it is made for it.
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(captured) });
        try
        {
            int code = Ham.Cli.Program.Main(args);
            return (code, captured.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            Spectre.Console.AnsiConsole.Console = originalAnsi;
        }
    }
}
