using HookBench.Native;
using Iced.Intel;

namespace HookBench.Emission;

/// <summary>What an emitted blob is for; disassembly and instruction counts group by it.</summary>
public enum BlobKind
{
    Target,
    Handler,
    Trampoline,
    Harness,

    /// <summary>Kernel code the hook runs besides its trampoline: ftrace_ops_list_func, __bpf_prog_enter/exit, migrate_disable.</summary>
    Runtime,

    /// <summary>A mitigation thunk (arch/x86/lib/retpoline.S), one copy per hook set.</summary>
    Thunk,
}
