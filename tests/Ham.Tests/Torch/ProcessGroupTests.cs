using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ham.Torch;
using Ham.Torch.Distributed;

namespace Ham.Tests.Torch;

/// <summary>
/// c10d process groups with every rank on a thread of this process (Gloo and the stores do not
/// care whether peers are threads or processes; a killed process is tested in Training/DistributedTrainingTests).
/// </summary>
public class ProcessGroupTests
{
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs <paramref name="body"/> as every rank of a fresh TCPStore group, one thread each; rethrows the first failure.</summary>
    static T[] OnRanks<T>(int world, Func<ProcessGroup, T> body, double timeout = 20)
    {
        int port = FreePort();
        var results = new T[world];
        var tasks = Enumerable.Range(0, world).Select(rank => Task.Factory.StartNew(() =>
        {
            using var group = ProcessGroup.Create("127.0.0.1", port, rank, world, timeout);
            Assert.Equal(rank, group.Rank);
            Assert.Equal(world, group.WorldSize);
            using var scope = new DisposeScope();
            results[rank] = body(group);
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks);
        return results;
    }

    [Fact]
    public void CollectivesOverATcpStoreGiveEveryRankTheSameAnswer()
    {
        var results = OnRanks(3, g =>
        {
            int r = g.Rank;
            var summed = Tensor.FromArray([r + 1f, 10f * r, -r], 3);
            g.AllReduceSum(summed);
            var gathered = g.AllGather(Tensor.FromArray(new long[] { r, r * r }, 2)).Select(t => t.ToArray<long>()).ToArray();
            var flat = g.AllGatherFlat(Tensor.FromArray([r * 0.5f], 1));
            var broadcast = Tensor.FromArray([r, r], 2).To(DType.Float64);
            g.Broadcast(broadcast, root: 2);
            g.Barrier();
            var bytes = g.AllGatherBytes(Enumerable.Repeat((byte)(65 + r), r).ToArray());
            return (Sum: summed.ToArray<float>(), Gathered: gathered, FlatShape: flat.Shape, Flat: flat.ToArray<float>(),
                Broadcast: broadcast.ToArray<double>(), Bytes: bytes);
        });
        foreach (var result in results)
        {
            Assert.Equal([6f, 30f, -3f], result.Sum);
            Assert.Equal([[0L, 0L], [1L, 1L], [2L, 4L]], result.Gathered);
            Assert.Equal([3L, 1L], result.FlatShape);
            Assert.Equal([0f, 0.5f, 1f], result.Flat);
            Assert.Equal([2.0, 2.0], result.Broadcast);
            Assert.Equal(["", "B", "CC"], result.Bytes.Select(b => System.Text.Encoding.ASCII.GetString(b)));
        }
    }

    [Fact]
    public void AFileStoreGroupReducesToo()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ham-filestore-{Guid.NewGuid():N}");
        try
        {
            var sums = new float[2][];
            Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, rank =>
            {
                using var group = ProcessGroup.CreateWithFile(path, rank, 2, 20);
                using var scope = new DisposeScope();
                var t = Tensor.FromArray([rank + 1f, 2f], 2);
                group.AllReduceSum(t);
                sums[rank] = t.ToArray<float>();
            });
            Assert.All(sums, s => Assert.Equal([3f, 4f], s));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Rank 1 leaving stops its heartbeat; rank 0 leaving takes the store it serves with it.</summary>
    [Theory]
    [InlineData(1, "lost rank 1 (its heartbeat stopped)")]
    [InlineData(0, "the rendezvous store is unreachable, so the process holding it (rank 0) is lost")]
    public async Task ARankThatLeavesIsNamedByTheOthersWithinTheTimeout(int leaving, string named)
    {
        int port = FreePort();
        var clock = Stopwatch.StartNew();
        var errors = new string?[3];
        var tasks = Enumerable.Range(0, 3).Select(rank => Task.Factory.StartNew(() =>
        {
            var group = ProcessGroup.Create("127.0.0.1", port, rank, 3, 8);
            using var scope = new DisposeScope();
            group.Barrier();
            if (rank == leaving)
            {
                group.Dispose();   // its sockets close and its heartbeat stops
                return;
            }
            try
            {
                var t = Tensor.Ones([4]);
                for (int i = 0; i < 3; i++) group.AllReduceSum(t);
            }
            catch (DistributedException e)
            {
                errors[rank] = e.Message;
            }
            group.Dispose();
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 30);
        foreach (int rank in Enumerable.Range(0, 3).Where(r => r != leaving))
        {
            Assert.NotNull(errors[rank]);
            Assert.Contains($"distributed all_reduce failed on rank {rank} of 3", errors[rank]);
            Assert.Contains(named, errors[rank]);
        }
    }

    [Fact]
    public async Task AStuckPeerTimesOutAndIsNotCalledLost()
    {
        int port = FreePort();
        string? error = null;
        var release = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
        {
            using var group = ProcessGroup.Create("127.0.0.1", port, rank, 2, 2);
            using var scope = new DisposeScope();
            if (rank == 1)
            {
                release.Wait();   // alive (its heartbeat goes on) but never joins the reduce
                return;
            }
            var clock = Stopwatch.StartNew();
            try { group.AllReduceSum(Tensor.Ones([2])); }
            catch (DistributedException e) { error = e.Message + $" after {clock.Elapsed.TotalSeconds:F1} s"; }
            release.Set();
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks);
        Assert.NotNull(error);
        Assert.Contains("failed on rank 0 of 2 (timeout 2 s", error);
        Assert.Contains("every peer rank is still alive", error);
    }

    [Fact]
    public void ARendezvousNobodyJoinsFailsWithinItsTimeout()
    {
        int port = FreePort();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<DistributedException>(() => ProcessGroup.Create("127.0.0.1", port, 0, 2, 1.5));
        Assert.InRange(clock.Elapsed.TotalSeconds, 1, 20);
        Assert.Contains($"rank 0 of 2 could not join the rendezvous at tcp://127.0.0.1:{port} within 1.5 s", e.Message);
    }

    [Fact]
    public void BadArgumentsAreRefusedNamingThem()
    {
        Assert.Contains("rank must be in [0, 2), got 2", Assert.Throws<DistributedException>(() => ProcessGroup.CreateWithFile(Path.GetTempFileName(), 2, 2, 1)).Message);
        Assert.Contains("the master port must be in 1..65535, got 0", Assert.Throws<DistributedException>(() => ProcessGroup.Create("127.0.0.1", 0, 0, 1, 1)).Message);
        Assert.False(ProcessGroup.NcclBuilt && !Devices.CudaBuilt);
    }

    [Fact]
    public void TheLaunchEnvironmentIsReadAsTorchrunWritesIt()
    {
        Func<string, string?> From(params (string, string)[] vars) => name => vars.FirstOrDefault(v => v.Item1 == name).Item2;
        Assert.Null(LaunchEnvironment.Read(From()));
        Assert.Equal(new LaunchEnvironment(2, 4, 0, "node1", 29500),
            LaunchEnvironment.Read(From(("RANK", "2"), ("WORLD_SIZE", "4"), ("LOCAL_RANK", "0"), ("MASTER_ADDR", "node1"), ("MASTER_PORT", "29500"))));
        Assert.Equal("RANK='4' is not an integer in [0, 3]", Assert.Throws<ArgumentException>(() =>
            LaunchEnvironment.Read(From(("RANK", "4"), ("WORLD_SIZE", "4"), ("MASTER_ADDR", "a"), ("MASTER_PORT", "1")))).Message);
        Assert.StartsWith("MASTER_ADDR is not set", Assert.Throws<ArgumentException>(() =>
            LaunchEnvironment.Read(From(("RANK", "0"), ("WORLD_SIZE", "2"), ("MASTER_PORT", "1")))).Message);
        Assert.StartsWith("MASTER_PORT is not set", Assert.Throws<ArgumentException>(() =>
            LaunchEnvironment.Read(From(("RANK", "0"), ("WORLD_SIZE", "2"), ("MASTER_ADDR", "a")))).Message);
    }
}
