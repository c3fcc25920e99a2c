using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;

namespace Ham.Cli.Commands;

/// <summary>
/// The CLI's one error path. A usage error (unknown option, missing or unparsable value, a
/// non-finite number) is one line on stderr, exit 2. A user error, raised where the fault is found
/// as an exception that names the file, tensor or option (<see cref="IsUserError"/>), is one line,
/// exit 1. Anything else is a bug in Ham: one line saying so, the stack trace under HAM_DEBUG=1,
/// exit 70 (EX_SOFTWARE). No exception, on any thread, ends the process by a signal.
/// </summary>
public static class CommandLineErrors
{
    public const int UsageError = 2;
    public const int UserError = 1;
    public const int Bug = 70;

    public static int Invoke(RootCommand root, string[] args)
    {
        // A failure on a worker thread would otherwise abort the process (SIGABRT) with a stack trace.
        AppDomain.CurrentDomain.UnhandledException += OnUnhandled;
        try
        {
            RequireFiniteNumbers(root);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && args.Length > 0)
            {
                Console.Error.WriteLine($"error: {OneLine(string.Join("; ", parse.Errors.Select(e => e.Message)))} (see `{CommandPath(parse.CommandResult)} --help`)");
                return UsageError;
            }
            // System.CommandLine's own handler would print a stack trace; ours prints one line.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e);
        }
        finally
        {
            AppDomain.CurrentDomain.UnhandledException -= OnUnhandled;
        }
    }

    /// <summary>
    /// The exception types that mean "the input was wrong", raised with a message naming it:
    /// ArgumentException (an option or value out of range), IOException (a file missing, cut or
    /// refused: FileNotFound, SafetensorsException, DownloadException...), InvalidDataException
    /// (a file whose content is not what it should be: ImageFileException...), access denied, and
    /// a native library that is not where the environment says (HAM_NATIVE).
    /// </summary>
    public static bool IsUserError(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or DllNotFoundException;

    /// <summary>Prints one line for <paramref name="e"/> (and its stack under HAM_DEBUG=1); returns the exit code.</summary>
    public static int Report(Exception e)
    {
        var cause = Cause(e);
        bool user = IsUserError(cause);
        Console.Error.WriteLine(user
            ? $"error: {OneLine(cause.Message)}"
            : $"error: a bug in Ham ({cause.GetType().Name}: {OneLine(cause.Message)}); please report it with the output of HAM_DEBUG=1");
        if (Environment.GetEnvironmentVariable("HAM_DEBUG") == "1") Console.Error.WriteLine(e);
        return user ? UserError : Bug;
    }

    static void OnUnhandled(object sender, UnhandledExceptionEventArgs args)
    {
        int code = Report(args.ExceptionObject as Exception ?? new Exception(args.ExceptionObject?.ToString()));
        Console.Error.Flush();
        Environment.Exit(code);
    }

    /// <summary>The exception that says what went wrong, under the wrappers reflection, type initializers and tasks put around it.</summary>
    static Exception Cause(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }: e = inner; break;
                case TypeInitializationException { InnerException: { } inner }: e = inner; break;
                // Parallel work fails once per worker: the first failure says it.
                case AggregateException aggregate when aggregate.Flatten().InnerExceptions.Count > 0: e = aggregate.Flatten().InnerExceptions[0]; break;
                default: return e;
            }
        }
    }

    static string OneLine(string message) => string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r != null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Command.Name);
        if (names.Count > 0) names[0] = "ham";
        return string.Join(" ", names);
    }

    /// <summary>
    /// Every floating-point option of every command must be a finite number: NaN and infinity pass
    /// double.Parse but no option means them, and they would only fail (or silently poison the
    /// result) far into the work.
    /// </summary>
    static void RequireFiniteNumbers(Command command)
    {
        foreach (var option in command.Options)
            if (option.ValueType == typeof(double) || option.ValueType == typeof(double?) || option.ValueType == typeof(double[]))
                option.Validators.Add(CheckFinite);
        foreach (var sub in command.Subcommands) RequireFiniteNumbers(sub);
    }

    /// <summary>Looks at the tokens themselves: one that does not parse is System.CommandLine's own error to report.</summary>
    static void CheckFinite(OptionResult result)
    {
        foreach (var token in result.Tokens)
            if (double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsFinite(v))
                result.AddError($"{result.Option.Name} must be a finite number, got {token.Value}");
    }
}
