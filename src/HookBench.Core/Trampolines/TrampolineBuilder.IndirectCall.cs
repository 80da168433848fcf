using HookBench.Emission;
using Iced.Intel;

namespace HookBench.Trampolines;

/// <summary>
/// The one place the builder emits an indirect call (<c>op->func</c> in the ftrace list walk, a program's
/// <c>bpf_func</c> in a multi-attach trampoline). Today it is a plain <c>call reg</c>; a mitigation profile
/// (retpoline, lfence, call-depth accounting) changes what this emits and where the path fact is pinned,
/// here and nowhere else.
/// </summary>
public sealed partial class TrampolineBuilder
{
    /// <summary>
    /// Calls the address in <paramref name="target"/> and tells the executed-path walk where the call goes
    /// each time it runs, in order (<paramref name="destinations"/>).
    /// </summary>
    void EmitIndirectCall(Register target, IReadOnlyList<ulong> destinations)
    {
        var at = _asm.CreateLabel("indirect_call");
        _asm.Label(ref at);
        _facts.Add(new TransferFact(at, destinations));
        _asm.call(target.R64());
    }
}
