using System.Text.Json;
using Ham.Data.Splits;

namespace Ham.Tests.Training;

/// <summary>
/// The draws of the hyperparameter search, <see cref="LegacyRandomState"/>'s random_sample,
/// uniform, randint and choice, bit for bit against numpy 1.24's legacy RandomState
/// (Data/random_state_cases.json, made by Data/make_random_state_cases.py).
/// </summary>
public class HyperparameterRandomStateTests
{
    static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Training", "Data", "random_state_cases.json"))).RootElement;

    [Fact]
    public void InterleavedDrawsEqualNumpyForEverySeed()
    {
        var script = Cases.GetProperty("script").EnumerateArray()
            .Select(call => (Op: call[0].GetString()!, Args: call[1].EnumerateArray().Select(a => a.GetDouble()).ToArray())).ToArray();
        int seeds = 0, calls = 0;
        foreach (var c in Cases.GetProperty("cases").EnumerateArray())
        {
            long seed = c.GetProperty("seed").GetInt64();
            var random = new LegacyRandomState(seed);
            var results = c.GetProperty("results").EnumerateArray().ToArray();
            for (int i = 0; i < results.Length; i++)
            {
                var (op, args) = script[i];
                switch (op)
                {
                    case "random_sample": Assert.Equal(results[i].GetDouble(), random.RandomSample()); break;
                    case "uniform": Assert.Equal(results[i].GetDouble(), random.Uniform(args[0], args[1])); break;
                    case "randint": Assert.Equal(results[i].GetInt32(), random.RandInt((int)args[0], (int)args[1])); break;
                    case "choice": Assert.Equal(results[i].GetInt32(), random.Choice(Enumerable.Range(0, (int)args[0]).ToArray())); break;
                    default: throw new InvalidDataException($"unknown call '{op}' in random_state_cases.json");
                }
                calls++;
            }
            seeds++;
        }
        Assert.Equal(23, seeds);
        Assert.Equal(20 * 250 + 3 * 1500, calls);
    }

    [Fact]
    public void RandomSampleIsTwoWordsHighBits()
    {
        // (a 2^26 + b) / 2^53 with a = w0 >> 5, b = w1 >> 6 of the next two MT19937 words.
        var words = new LegacyRandomState(99);
        uint w0 = words.NextUInt32(), w1 = words.NextUInt32();
        Assert.Equal(((w0 >> 5) * 67108864.0 + (w1 >> 6)) / 9007199254740992.0, new LegacyRandomState(99).RandomSample());
    }

    [Fact]
    public void ASingleValueDrawsNothing()
    {
        // numpy returns low for randint(low, low + 1) without consuming a word, so the next draw is the first word.
        var random = new LegacyRandomState(7);
        Assert.Equal(5, random.RandInt(5, 6));
        Assert.Equal("only", random.Choice(["only"]));
        Assert.Equal(new LegacyRandomState(7).NextUInt32(), random.NextUInt32());
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var random = new LegacyRandomState(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.RandInt(3, 3));
        Assert.Throws<ArgumentException>(() => random.Choice(Array.Empty<int>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.Uniform(-double.MaxValue, double.MaxValue));
    }
}
