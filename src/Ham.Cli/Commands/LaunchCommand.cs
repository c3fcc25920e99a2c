using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham launch`: torchrun's job on one machine. Starts --nproc ranks of the given command with
/// RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT set (rank =
/// node rank * nproc + local rank), forwards their output line by line prefixed "[rank K]", and
/// when one rank fails stops the others and exits non-zero. Each rank gets HAM_THREADS = cores /
/// nproc unless HAM_THREADS is set (torchrun likewise sets OMP_NUM_THREADS), so ranks do not
/// oversubscribe the cores.
/// </summary>
static class LaunchCommand
{
    public static Command Create()
    {
        var nproc = new Option<int>("--nproc") { Description = "ranks to start on this machine", Required = true };
        var nnodes = new Option<int>("--nnodes") { Description = "machines in the run, each starting --nproc ranks", DefaultValueFactory = _ => 1 };
        var nodeRank = new Option<int>("--node-rank") { Description = "this machine's index in 0..nnodes-1", DefaultValueFactory = _ => 0 };
        var master = new Option<string>("--master") { Description = "ADDR:PORT of rank 0's rendezvous store (default: 127.0.0.1 and a free port; needed with --nnodes above 1)" };
        var program = new Argument<string[]>("command") { Description = "the command every rank runs, after `--` (`ham ...` runs this ham)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("launch", "Start several ranks of a command (e.g. `ham train`) with torchrun's environment; forward their output.");
        foreach (var option in (Option[])[nproc, nnodes, nodeRank, master]) command.Options.Add(option);
        command.Arguments.Add(program);
        command.SetAction(parse => Run(parse.GetValue(nproc), parse.GetValue(nnodes), parse.GetValue(nodeRank), parse.GetValue(master), parse.GetValue(program)!));
        return command;
    }

    static int Run(int nproc, int nnodes, int nodeRank, string? master, string[] program)
    {
        if (nproc < 1) throw new ArgumentException($"--nproc must be at least 1, got {nproc}");
        if (nnodes < 1) throw new ArgumentException($"--nnodes must be at least 1, got {nnodes}");
        if (nodeRank < 0 || nodeRank >= nnodes) throw new ArgumentException($"--node-rank must be in 0..{nnodes - 1}, got {nodeRank}");
        if (nnodes > 1 && master is null) throw new ArgumentException("--master ADDR:PORT is needed with --nnodes above 1 (every machine must name the same rank-0 store)");
        var (address, port) = master is null ? ("127.0.0.1", FreePort()) : ParseMaster(master);
        int world = nproc * nnodes;
        string threads = Environment.GetEnvironmentVariable("HAM_THREADS") is { Length: > 0 } set ? set
            : Math.Max(1, Environment.ProcessorCount / nproc).ToString(CultureInfo.InvariantCulture);

        var ranks = new List<Process>();
        var output = new object();
        void Forward(int rank, string? line, TextWriter to)
        {
            if (line is null) return;
            lock (output) to.WriteLine($"[rank {rank}] {line}");
        }
        try
        {
            for (int local = 0; local < nproc; local++)
            {
                int rank = nodeRank * nproc + local;
                var start = StartInfo(program);
                start.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
                start.Environment["WORLD_SIZE"] = world.ToString(CultureInfo.InvariantCulture);
                start.Environment["LOCAL_RANK"] = local.ToString(CultureInfo.InvariantCulture);
                start.Environment["LOCAL_WORLD_SIZE"] = nproc.ToString(CultureInfo.InvariantCulture);
                start.Environment["MASTER_ADDR"] = address;
                start.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
                start.Environment["HAM_THREADS"] = threads;
                var process = new Process { StartInfo = start };
                process.OutputDataReceived += (_, e) => Forward(rank, e.Data, Console.Out);
                process.ErrorDataReceived += (_, e) => Forward(rank, e.Data, Console.Error);
                try { process.Start(); }
                catch (System.ComponentModel.Win32Exception e) { throw new ArgumentException($"cannot start '{start.FileName}': {e.Message}"); }
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                ranks.Add(process);
            }
            return Supervise(ranks, nodeRank * nproc, output);
        }
        finally
        {
            foreach (var process in ranks)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }
    }

    /// <summary>Waits for every rank; the first to fail stops the rest. Returns 0, or the failed rank's exit code (1 if it has none in 1..255).</summary>
    static int Supervise(List<Process> ranks, int firstRank, object output)
    {
        var exits = ranks.Select(p => p.WaitForExitAsync()).ToList();
        var running = new HashSet<int>(Enumerable.Range(0, ranks.Count));
        while (running.Count > 0)
        {
            int done = Task.WaitAny(running.Select(i => (Task)exits[i]).ToArray());
            int index = running.ElementAt(done);
            running.Remove(index);
            ranks[index].WaitForExit();   // drains the forwarded output
            int code = ranks[index].ExitCode;
            if (code == 0) continue;
            lock (output)
                Console.Error.WriteLine($"launch: rank {firstRank + index} exited with code {code}" +
                    (running.Count > 0 ? $"; stopping ranks {string.Join(", ", running.Select(i => firstRank + i))}" : ""));
            foreach (int other in running) ranks[other].Kill(entireProcessTree: true);
            foreach (int other in running) ranks[other].WaitForExit();
            return code is > 0 and < 256 ? code : 1;
        }
        return 0;
    }

    /// <summary>The command as given, except that a leading `ham` is this ham (`dotnet ham.dll` when run as a .dll).</summary>
    static ProcessStartInfo StartInfo(string[] program)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var arguments = program.AsEnumerable();
        if (program[0] == "ham")
        {
            string self = Environment.ProcessPath!;
            string assembly = typeof(LaunchCommand).Assembly.Location;
            bool hosted = Path.GetFileNameWithoutExtension(self) == "dotnet";
            start.FileName = self;
            if (hosted) start.ArgumentList.Add(assembly);
            arguments = program.Skip(1);
        }
        else
        {
            start.FileName = program[0];
            arguments = program.Skip(1);
        }
        foreach (string a in arguments) start.ArgumentList.Add(a);
        return start;
    }

    static (string, int) ParseMaster(string master)
    {
        int colon = master.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(master[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"--master must be ADDR:PORT with a port in 1..65535, got '{master}'");
        return (master[..colon].Trim('[', ']'), port);
    }

    /// <summary>A port nobody listens on now (the OS's pick for port 0); rank 0's store binds it a moment later.</summary>
    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
