using System.CommandLine;
using Ham.Clip.Text;

namespace Ham.Cli.Commands;

/// <summary>`ham clip tokenize TEXT...`: one JSON array of 77 token ids per text.</summary>
static class ClipTokenizeCommand
{
    public static Command Create()
    {
        var texts = new Argument<string[]>("TEXT") { Description = "texts to tokenize", Arity = ArgumentArity.OneOrMore };
        var truncate = new Option<bool>("--truncate") { Description = "cut over-long text to 77 tokens (keeping the end token) instead of failing" };
        var command = new Command("tokenize", "Print CLIP token ids (77 per text, as a JSON array per line).") { texts, truncate };
        command.SetAction(parse =>
        {
            foreach (string text in parse.GetValue(texts)!)
                Console.WriteLine("[" + string.Join(", ", ClipTokenizer.OpenAi.Tokenize(text, truncate: parse.GetValue(truncate))) + "]");
            return 0;
        });
        return command;
    }
}
