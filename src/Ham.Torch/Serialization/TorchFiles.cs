using System.Runtime.InteropServices;
using Ham.Torch.Native;

namespace Ham.Torch.Serialization;

/// <summary>PyTorch's own formats, read by libtorch: TorchScript archives and torch.save state dicts.</summary>
public static class TorchFiles
{
    /// <summary>Named parameters then buffers of a TorchScript archive (torch.jit.save), on CPU.</summary>
    public static Dictionary<string, Tensor> ReadTorchScript(string path)
    {
        RequireFile(path);
        return ReadNamed(Api.ham_jit_load(path, out var list), list, path);
    }

    /// <summary>
    /// The tensors of a torch.save dict or OrderedDict (nested dicts give dotted names), on CPU.
    /// Read in managed code (<see cref="TorchSaveArchive"/>): libtorch 1.13 cannot read an OrderedDict.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        RequireFile(path);
        return TorchSaveArchive.ReadTensors(path);
    }

    /// <summary>Writes a dict name -> tensor that torch.load reads (through a temp file).</summary>
    public static void WriteStateDict(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var names = tensors.Keys.Select(k => Marshal.StringToCoTaskMemUTF8(k)).ToArray();
        try
        {
            var handles = tensors.Values.Select(t => t.Handle).ToArray();
            Api.Check(Api.ham_pickle_save(path, names, handles, names.Length));
            GC.KeepAlive(tensors);
        }
        finally
        {
            foreach (var n in names) Marshal.FreeCoTaskMem(n);
        }
    }

    static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
    }

    static Dictionary<string, Tensor> ReadNamed(int status, IntPtr list, string path)
    {
        try
        {
            Api.Check(status);
        }
        catch (TorchException e)
        {
            throw new InvalidDataException($"{path}: libtorch could not read it: {e.Message}", e);
        }
        try
        {
            var result = new Dictionary<string, Tensor>();
            int count = Api.ham_named_count(list);
            for (int i = 0; i < count; i++)
                result[Marshal.PtrToStringUTF8(Api.ham_named_name(list, i))!] = new Tensor(Api.ham_named_tensor(list, i));
            return result;
        }
        finally
        {
            Api.ham_named_free(list);
        }
    }
}
