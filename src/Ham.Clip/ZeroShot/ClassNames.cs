namespace Ham.Clip.ZeroShot;

/// <summary>
/// Dataset class folder names as words for prompts: underscores become spaces and the text is
/// lowercased ("art_painting" -> "art painting", "Alarm_Clock" -> "alarm clock"), as CLIPood and
/// DomainBed-on-CLIP code prepare OfficeHome and DomainNet names.
/// </summary>
public static class ClassNames
{
    public static string ForPrompt(string folderName) =>
        string.Join(' ', folderName.Replace('_', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
