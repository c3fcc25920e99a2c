using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Ham.Data.Download;

/// <summary>
/// One file over HTTP(S), resumable: bytes go to DEST.part; a later attempt (after a cut
/// connection, or in a later run) asks for the rest with <c>Range: bytes=N-</c> (RFC 9110 §14) and
/// appends if the server answers 206, or starts over if it answers 200. A host that cannot be
/// reached fails at once (no retries), so a machine without network learns it in seconds. When the
/// file is complete its SHA-256 is checked (if known) and DEST.part is renamed to DEST.
/// </summary>
public static class ResumableDownload
{
    /// <summary>Downloads <paramref name="url"/> to <paramref name="destination"/> and returns its SHA-256 (lower-case hex).</summary>
    /// <param name="progress">called with (bytes so far, total bytes if the server said)</param>
    public static string Fetch(HttpClient client, string url, string destination, string? sha256 = null, int attempts = 5, Action<long, long?>? progress = null)
    {
        string part = destination + ".part";
        for (int attempt = 1; ; attempt++)
        {
            long have = File.Exists(part) ? new FileInfo(part).Length : 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            HttpResponseMessage response;
            try
            {
                response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError || attempt >= attempts)
            {
                throw new DownloadException($"cannot reach {new Uri(url).Host} ({e.Message}); no network? Fetch {url} by hand, save it as {destination}, and run again", e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                continue; // a dropped connection: try again from where the file stands
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0) break; // nothing left to fetch
                if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.PartialContent))
                    throw new DownloadException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                bool append = response.StatusCode == HttpStatusCode.PartialContent;
                long? total = append ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
                if (!append) have = 0;
                try
                {
                    using var body = response.Content.ReadAsStream();
                    using var file = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write);
                    var buffer = new byte[1 << 16];
                    for (int n; (n = body.Read(buffer)) > 0;)
                    {
                        file.Write(buffer, 0, n);
                        have += n;
                        progress?.Invoke(have, total);
                    }
                }
                catch (Exception e) when (e is IOException or HttpRequestException && attempt < attempts)
                {
                    continue; // cut mid-body: resume with a Range request
                }
                if (total is long expected && have < expected)
                {
                    if (attempt < attempts) continue;
                    throw new DownloadException($"{url}: got {have} of {expected} bytes after {attempts} attempts; run again to resume");
                }
                break;
            }
        }
        string actual = Sha256Of(part);
        if (sha256 != null && !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            throw new DownloadException($"{url}: SHA-256 is {actual}, expected {sha256}; the partial file was deleted, run again");
        }
        File.Move(part, destination, overwrite: true);
        return actual;
    }

    static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
