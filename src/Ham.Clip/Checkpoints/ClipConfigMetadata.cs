using System.Globalization;
using Ham.Clip.Model;

namespace Ham.Clip.Checkpoints;

/// <summary>
/// What a CLIP's weights cannot say, as the __metadata__ of the safetensors files Ham writes
/// ("ham.vision.activation": "gelu", "ham.text.head_width": "64", ...), so that Ham's own files
/// are never ambiguous: read back, they give the model that was saved.
/// </summary>
public static class ClipConfigMetadata
{
    static readonly string[] Towers = ["vision", "text"];

    /// <summary>The metadata entries of <paramref name="config"/>'s tower settings.</summary>
    public static Dictionary<string, string> Of(ClipConfig config)
    {
        var metadata = new Dictionary<string, string>();
        foreach (string tower in Towers)
        {
            var settings = tower == "vision" ? config.Vision : config.Text;
            metadata[$"ham.{tower}.activation"] = settings.Activation.Name();
            metadata[$"ham.{tower}.head_width"] = settings.HeadWidth.ToString(CultureInfo.InvariantCulture);
            metadata[$"ham.{tower}.layer_norm_eps"] = settings.LayerNormEps.ToString("R", CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    /// <summary>Whether <paramref name="metadata"/> holds Ham's tower settings.</summary>
    public static bool IsPresent(IReadOnlyDictionary<string, string> metadata) => metadata.ContainsKey("ham.vision.activation");

    /// <summary><paramref name="config"/> with the tower settings of <paramref name="metadata"/> (which must all be there and valid).</summary>
    public static ClipConfig Apply(ClipConfig config, IReadOnlyDictionary<string, string> metadata, string source)
    {
        TowerSettings Read(string tower)
        {
            string Get(string key) => metadata.TryGetValue($"ham.{tower}.{key}", out var v) ? v
                : throw new InvalidDataException($"{source}: __metadata__ has ham.vision.activation but no ham.{tower}.{key}");
            string activation = Get("activation");
            if (!long.TryParse(Get("head_width"), NumberStyles.None, CultureInfo.InvariantCulture, out long width) || width < 1)
                throw new InvalidDataException($"{source}: __metadata__ ham.{tower}.head_width is '{Get("head_width")}', not a positive integer");
            if (!double.TryParse(Get("layer_norm_eps"), NumberStyles.Float, CultureInfo.InvariantCulture, out double eps) || !(eps > 0) || !double.IsFinite(eps))
                throw new InvalidDataException($"{source}: __metadata__ ham.{tower}.layer_norm_eps is '{Get("layer_norm_eps")}', not a positive number");
            try
            {
                return new TowerSettings(Activations.Parse(activation, $"__metadata__ ham.{tower}.activation"), width, eps);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{source}: {e.Message}");
            }
        }
        return config with { Vision = Read("vision"), Text = Read("text") };
    }
}
