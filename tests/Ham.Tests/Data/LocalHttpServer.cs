using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ham.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for download tests: serves fixed files by path, honours
/// "Range: bytes=N-" with 206, and can cut the connection of the first response after a given
/// number of body bytes. Records each request's path and Range header.
/// </summary>
sealed class LocalHttpServer : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly Dictionary<string, byte[]> files;
    readonly Thread thread;
    int cutsLeft;
    readonly int cutAfter;

    public LocalHttpServer(Dictionary<string, byte[]> files, int cutFirstResponseAfter = -1)
    {
        this.files = files;
        cutAfter = cutFirstResponseAfter;
        cutsLeft = cutFirstResponseAfter >= 0 ? 1 : 0;
        listener.Start();
        thread = new Thread(Serve) { IsBackground = true };
        thread.Start();
    }

    public List<(string Path, string? Range)> Requests { get; } = [];

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}";

    void Serve()
    {
        while (true)
        {
            TcpClient client;
            try { client = listener.AcceptTcpClient(); }
            catch (SocketException) { return; }
            using (client)
            using (var stream = client.GetStream())
            {
                var head = ReadHead(stream);
                var lines = head.Split("\r\n");
                string path = lines[0].Split(' ')[1];
                string? range = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?[6..].Trim();
                lock (Requests) Requests.Add((path, range));
                if (!files.TryGetValue(path, out var body))
                {
                    stream.Write(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    continue;
                }
                long from = range != null ? long.Parse(range["bytes=".Length..].TrimEnd('-')) : 0;
                string status = range != null ? $"206 Partial Content\r\nContent-Range: bytes {from}-{body.Length - 1}/{body.Length}" : "200 OK";
                stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length - from}\r\nConnection: close\r\n\r\n"));
                int length = body.Length - (int)from;
                if (cutsLeft > 0) { cutsLeft--; length = Math.Min(length, cutAfter); client.LingerState = new LingerOption(true, 0); }
                stream.Write(body, (int)from, length);
            }
        }
    }

    static string ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            int b = stream.ReadByte();
            if (b < 0) break;
            bytes.Add((byte)b);
        }
        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    public void Dispose()
    {
        listener.Stop();
        thread.Join();
    }
}
