using HookBench.Emission;
using Iced.Intel;

namespace HookBench.Measurement;

/// <summary>
/// Collects the distinct hook instructions (in trampolines, the kernel runtime they call — the ops list
/// function, the BPF enter/exit functions — and handlers) a walk executes, for the hook code bytes a cell
/// reports: how much code the hooks bring into the instruction cache, once each. The profile's thunks are
/// not counted, as the target shares them.
/// </summary>
public sealed class HookCode(IEnumerable<EmittedBlob> blobs)
{
    readonly EmittedBlob[] _hooks = [.. blobs.Where(b => b.Kind is BlobKind.Trampoline or BlobKind.Runtime or BlobKind.Handler).OrderBy(b => b.Address)];
    readonly Dictionary<ulong, int> _executed = [];

    /// <summary>Bytes of distinct hook instructions seen so far.</summary>
    public int Bytes => _executed.Values.Sum();

    /// <summary>Use as the walk's visitor.</summary>
    public void Visit(Instruction instruction)
    {
        if (IsHook(instruction.IP))
            _executed[instruction.IP] = instruction.Length;
    }

    public bool IsHook(ulong address)
    {
        int lo = 0, hi = _hooks.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (address < _hooks[mid].Address)
                hi = mid - 1;
            else if (address >= _hooks[mid].End)
                lo = mid + 1;
            else
                return true;
        }

        return false;
    }
}
