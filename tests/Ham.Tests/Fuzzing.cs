namespace Ham.Tests;

/// <summary>One damaged copy of a file: cut to <see cref="Length"/> bytes, or with bytes XOR-ed at <see cref="Positions"/>.</summary>
sealed record Mutation(string Description, byte[] Bytes, bool Truncated, int[] Positions)
{
    public int Length => Bytes.Length;
}

/// <summary>
/// Seeded damage for reader fuzz tests: random truncations and byte flips of a real file, half of
/// them anywhere and half inside the ranges given as the file's structure (headers, pickles,
/// directories), where a flip is most likely to reach a length or an offset. Each reader may only
/// ever answer a damaged file with a clean error (<see cref="IsCleanError"/>) or the right values.
/// </summary>
static class Fuzzing
{
    public static IEnumerable<Mutation> Mutations(byte[] original, int count, int seed, params (int Start, int End)[] structure)
    {
        var random = new System.Random(seed);
        for (int i = 0; i < count; i++)
        {
            bool focused = structure.Length > 0 && i % 2 == 1;
            int Position()
            {
                if (!focused) return random.Next(original.Length);
                var (start, end) = structure[random.Next(structure.Length)];
                return random.Next(Math.Max(0, start), Math.Min(original.Length, end));
            }
            if (i % 3 == 0)
            {
                int length = Position();
                yield return new Mutation($"case {i}: cut to {length} of {original.Length} bytes", original[..length], true, []);
            }
            else
            {
                var bytes = (byte[])original.Clone();
                var positions = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Position()).Distinct().ToArray();
                foreach (int p in positions) bytes[p] ^= (byte)(1 + random.Next(255));
                yield return new Mutation($"case {i}: bytes {string.Join(", ", positions)} flipped", bytes, false, positions);
            }
        }
    }

    /// <summary>What a reader may throw at a damaged file: the CLI's one-line user errors about file content, naming the file.</summary>
    public static bool IsCleanError(Exception e, string name) => e is InvalidDataException or IOException && e.Message.Contains(name);
}
