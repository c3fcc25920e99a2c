using System.Text.Json;

namespace Ham.Data.Download;

/// <summary>
/// DomainBed's rearrangement of the Caltech Camera Traps download into TerraIncognita
/// (download.py <c>download_terra_incognita</c>): images of locations 38, 46, 100 and 43 whose
/// annotation is one of ten animal categories are copied to location_L/CATEGORY/, then the raw
/// image folder and the annotation file are removed.
/// </summary>
static class TerraIncognitaLayout
{
    static readonly string[] Locations = ["38", "46", "100", "43"];
    static readonly string[] Categories = ["bird", "bobcat", "cat", "coyote", "dog", "empty", "opossum", "rabbit", "raccoon", "squirrel"];

    public static void Organize(string folder)
    {
        string images = Path.Combine(folder, "eccv_18_all_images_sm"), annotations = Path.Combine(folder, "caltech_images_20210113.json");
        if (!File.Exists(annotations)) throw new FileNotFoundException($"{annotations}: the Caltech Camera Traps annotation file is missing after unpacking");
        using var json = JsonDocument.Parse(File.ReadAllBytes(annotations));
        var root = json.RootElement;
        var categoryNames = root.GetProperty("categories").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("name").GetString()!);
        var categoriesOfImage = root.GetProperty("annotations").EnumerateArray()
            .ToLookup(a => a.GetProperty("image_id").GetString()!, a => categoryNames[a.GetProperty("category_id").GetInt32()]);
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            string location = image.GetProperty("location").ToString();
            if (!Locations.Contains(location)) continue;
            string file = image.GetProperty("file_name").GetString()!;
            foreach (var category in categoriesOfImage[image.GetProperty("id").GetString()!].Where(Categories.Contains))
            {
                string target = Path.Combine(folder, $"location_{location}", category);
                Directory.CreateDirectory(target);
                File.Copy(Path.Combine(images, file), Path.Combine(target, file), overwrite: true);
            }
        }
        Directory.Delete(images, recursive: true);
        File.Delete(annotations);
    }
}
