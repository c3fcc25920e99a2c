using System.CommandLine;
using System.Reflection;
using Ham.Cli.Commands;

namespace Ham.Tests.Cli;

/// <summary>The CLI's one error path: usage errors exit 2, user errors 1, bugs 70, each as one line.</summary>
[Collection(nameof(ConsoleCapture))]
public class CommandLineErrorTests
{
    static (int Code, string Output) Throwing(Exception e, bool debug = false)
    {
        var root = new RootCommand("test");
        var fail = new Command("fail");
        fail.SetAction((Func<ParseResult, int>)(_ => throw e));
        root.Subcommands.Add(fail);
        var (originalError, originalOut) = (Console.Error, Console.Out);
        var captured = new StringWriter();
        Console.SetError(captured);
        Console.SetOut(captured);
        Environment.SetEnvironmentVariable("HAM_DEBUG", debug ? "1" : null);
        try
        {
            return (CommandLineErrors.Invoke(root, ["fail"]), captured.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("HAM_DEBUG", null);
            Console.SetError(originalError);
            Console.SetOut(originalOut);
        }
    }

    public static TheoryData<Exception> UserErrors => new()
    {
        new ArgumentException("--batch must be at least 1, got 0"),
        new FileNotFoundException("checkpoint not found: x.pt"),
        new InvalidDataException("x.pt: record data/0 holds 10 bytes"),
        new Ham.Torch.Serialization.SafetensorsException(Ham.Torch.Serialization.SafetensorsError.TooShort, "x: too short"),
        new Ham.Data.Images.ImageFileException("a.jpg", "truncated JPEG"),
        new UnauthorizedAccessException("out: access denied"),
        new DllNotFoundException("HAM_NATIVE points to '/x.so', which does not exist."),
        // Wrappers of the real cause are looked through.
        new TargetInvocationException(new InvalidDataException("inner cause")),
        new TypeInitializationException("T", new ArgumentException("inner option")),
    };

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void AUserErrorIsOneLineAndExitOne(Exception e)
    {
        var (code, output) = Throwing(e);
        Assert.Equal(CommandLineErrors.UserError, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("bug", lines[0]);
        Assert.DoesNotContain("   at ", output);
    }

    public static TheoryData<Exception> Bugs => new()
    {
        new NullReferenceException(),
        new InvalidOperationException("Sequence contains no elements"),
        new OverflowException(),
        new IndexOutOfRangeException(),
        new Ham.Torch.TorchException("mat1 and mat2 shapes cannot be multiplied"),
        new KeyNotFoundException("k"),
        new System.Text.Json.JsonException("'0x00' is an invalid start of a value"),
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void AnythingElseIsABugExitSeventyWithTheStackOnlyUnderHamDebug(Exception e)
    {
        var (code, output) = Throwing(e);
        Assert.Equal(CommandLineErrors.Bug, code);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("a bug in Ham", output);
        Assert.Contains(e.GetType().Name, output);
        Assert.DoesNotContain("   at ", output);

        var (debugCode, debugOutput) = Throwing(e, debug: true);
        Assert.Equal(CommandLineErrors.Bug, debugCode);
        Assert.Contains("   at ", debugOutput); // the stack trace
    }

    [Fact]
    public void AMultiLineMessageIsPrintedOnOneLine()
    {
        var (code, output) = Throwing(new InvalidDataException("first\nsecond"));
        Assert.Equal(1, code);
        Assert.Equal("error: first second", output.Trim());
    }

    [Theory]
    [InlineData("--holdout", "NaN")]
    [InlineData("--holdout", "Infinity")]
    [InlineData("--holdout", "-Infinity")]
    public void ANonFiniteNumberIsAUsageErrorNamingTheOption(string option, string value)
    {
        var (code, output) = ConsoleCapture.Run("data", "split", SharedData.Path("data", "PACS-mini"), "--test-domain", "sketch", option, value, "--out", "never.json");
        Assert.Equal(CommandLineErrors.UsageError, code);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{option} must be a finite number", output);
        Assert.False(File.Exists("never.json"));
    }

    [Fact]
    public void AParseErrorIsOneLineNamingTheOptionAndTheHelpCommand()
    {
        var (code, output) = ConsoleCapture.Run("data", "split", "DIR", "--test-domain", "x", "--out", "y", "--holdout", "abc");
        Assert.Equal(CommandLineErrors.UsageError, code);
        Assert.Equal("error: Cannot parse argument 'abc' for option '--holdout' as expected type 'System.Double'. (see `ham data split --help`)", output.Trim());
    }
}
