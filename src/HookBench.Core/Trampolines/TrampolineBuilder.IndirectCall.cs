using Iced.Intel;

namespace HookBench.Trampolines;

/// <summary>
/// The one place the builder emits an indirect call (<c>op->func</c> in the ftrace list walk, a program's
/// <c>bpf_func</c> in a multi-attach trampoline). It is compiled as the mitigation profile compiles every
/// indirect call (CALL_NOSPEC, arch/x86/include/asm/nospec-branch.h): <c>call reg</c>, <c>lfence; call reg</c>
/// or <c>call __x86_indirect_thunk_reg</c>, and the path fact is pinned where the transfer happens — on the
/// call itself, or on the retpoline thunk's return-slot store.
/// </summary>
public sealed partial class TrampolineBuilder
{
    /// <summary>
    /// Calls the address in <paramref name="target"/> and tells the executed-path walk where the call goes
    /// each time it runs, in order (<paramref name="destinations"/>). Under call-depth accounting without a
    /// retpoline nothing accounts the call, so each run leaves the counter one call short: documented in the
    /// layout's surplus, as for the ORIG_STACK call.
    /// </summary>
    void EmitIndirectCall(Register target, IReadOnlyList<ulong> destinations) =>
        _surplus += destinations.Count * Thunks.EmitIndirectCall(_asm, target, destinations, _facts);
}
