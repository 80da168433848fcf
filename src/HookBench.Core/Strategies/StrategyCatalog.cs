using HookBench.Handlers;
using HookBench.Trampolines;
using static HookBench.Trampolines.TrampolineFlags;

namespace HookBench.Strategies;

/// <summary>
/// The strategies argued over in the October 2019 thread ("[PATCH 3/3] x86/ftrace: Use text_poke()"),
/// each a preset of <see cref="TrampolineFlags"/>.
/// </summary>
public static class StrategyCatalog
{
    const TrampolineFlags FtraceRegs = SaveFlags | SaveAllRegisters | IpModify;

    // Since v5.11 (FTRACE_WITH_ARGS) ftrace_caller copies regs->ip back too: "Handlers can change the RIP".
    const TrampolineFlags FtraceArgs = IpModify;

    public static Strategy None { get; } = new()
    {
        Name = "none",
        Saves = "nothing: the site stays a 5-byte NOP",
        Origin = "the baseline: __fentry__ after boot (0F 1F 44 00 00)",
        Route = SiteRoute.Unpatched,
        PreservesFlags = true,
    };

    public static Strategy FullRegs { get; } = new()
    {
        Name = "full-regs",
        Saves = "pushfq + full pt_regs (15 GPRs, CS/SS, flags, sp, ip)",
        Origin = "ftrace_regs_caller per-ops copy, Linux v6.x (ftrace_64.S, create_trampoline)",
        Route = SiteRoute.Trampoline,
        Trampoline = new TrampolineSpec(ContextKind.PtRegs, FtraceRegs),
        PreservesFlags = true,
    };

    public static Strategy MinRegs { get; } = new()
    {
        Name = "min-regs",
        Saves = "argument registers + rax, rbp/ip/sp into pt_regs (CS = 0)",
        Origin = "ftrace_caller per-ops copy, Linux v6.x (FTRACE_WITH_ARGS shape since v5.11)",
        Route = SiteRoute.Trampoline,
        Trampoline = new TrampolineSpec(ContextKind.PtRegs, FtraceArgs),
    };

    public static Strategy IpModifyFull { get; } = FullRegs with
    {
        Name = "ipmodify-full",
        Saves = "as full-regs; the handler sets regs->ip to a replacement",
        Origin = "livepatch as in 2019 (v5.4): IPMODIFY required SAVE_REGS; v6.x ftrace_regs_caller",
        Redirects = true,
    };

    public static Strategy IpModifyMin { get; } = MinRegs with
    {
        Name = "ipmodify-min",
        Saves = "as min-regs; the handler sets regs->ip to a replacement",
        Origin = "Steven's ip-only flag (thread, 22 Oct 2019), merged as FTRACE_WITH_ARGS in v5.11",
        Redirects = true,
    };

    public static Strategy Direct { get; } = new()
    {
        Name = "direct",
        Saves = "only the N argument registers, pushed; handler(ctx)",
        Origin = "Alexei's per-function BPF trampoline as written in the thread (22 Oct 2019)",
        Route = SiteRoute.Trampoline,
        Trampoline = new TrampolineSpec(ContextKind.ArgsArray, TrampolineFlags.None),
        Signature = HandlerSignature.BpfProgram,
        PreservesHiddenArgument = false,
    };

    public static Strategy DirectFexit { get; } = new()
    {
        Name = "direct-fexit",
        Saves = "N arguments + return value; fentry, body, fexit",
        Origin = "BPF trampoline CALL_ORIG|SKIP_FRAME, Linux v5.5 generator (fec56f5890d9)",
        Route = SiteRoute.Trampoline,
        Trampoline = new TrampolineSpec(ContextKind.ArgsArray, CallOriginal | SkipFrame),
        Signature = HandlerSignature.BpfProgram,
        PreservesHiddenArgument = false,
    };

    public static Strategy DirectFexitJmp { get; } = DirectFexit with
    {
        Name = "direct-fexit-jmp",
        Saves = "as direct-fexit; the site jumps to the trampoline, which returns straight to the caller",
        Origin = "BPF trampoline jmp mode, Linux 6.19 (25e4e3565d45, 0c3772a8db1f, 373f2f44c300, 402e44b31e9d)",
        Trampoline = new TrampolineSpec(ContextKind.ArgsArray, CallOriginal | JmpEntry),
    };

    public static Strategy DirectFmodRet { get; } = new()
    {
        Name = "direct-fmodret",
        Saves = "N arguments + return value; fmod_ret program, then the body unless it returned non-zero",
        Origin = "BPF_MODIFY_RETURN trampoline (ae24082331d9, Linux 5.7; invoke_bpf_mod_ret), CALL_ORIG|SKIP_FRAME",
        Route = SiteRoute.Trampoline,
        Trampoline = new TrampolineSpec(ContextKind.ArgsArray, CallOriginal | SkipFrame | ModifyReturn),
        Signature = HandlerSignature.BpfProgram,
        PreservesHiddenArgument = false,
    };

    public static Strategy DirectFmodRetJmp { get; } = DirectFmodRet with
    {
        Name = "direct-fmodret-jmp",
        Saves = "as direct-fmodret, in jmp mode",
        Origin = "BPF_MODIFY_RETURN trampoline in jmp mode, Linux 6.19 (402e44b31e9d)",
        Trampoline = new TrampolineSpec(ContextKind.ArgsArray, CallOriginal | JmpEntry | ModifyReturn),
    };

    public static Strategy DirectCall { get; } = new()
    {
        Name = "direct-call",
        Saves = "nothing: the site calls the handler",
        Origin = "Andy Lutomirski's question in the thread: \"why not just call it directly?\"",
        Route = SiteRoute.Handler,
        Signature = HandlerSignature.InPlace,
        RefusedHandlers = new Dictionary<HandlerKind, string>
        {
            [HandlerKind.Args] = "it reads a context and may clobber the argument registers the target still needs",
        },
    };

    /// <summary>
    /// Several ftrace users on one function (the thread's production complaint: two kprobes among thirty
    /// others): the site calls ftrace_caller, whose call goes to ftrace_ops_list_func instead of one callback.
    /// </summary>
    public static Strategy OpsList { get; } = MinRegs with
    {
        Name = "ops-list",
        Saves = "as min-regs; then ftrace_ops_list_func walks K ops: filter-hash lookup, recursion guard, op->func(...) indirect",
        Origin = "ftrace_caller + ftrace_ops_list_func, Linux v6.x (kernel/trace/ftrace.c): more than one ftrace_ops registered",
        Dispatch = CallbackDispatch.OpsList,
    };

    public static IReadOnlyList<Strategy> All { get; } =
        [None, FullRegs, MinRegs, IpModifyFull, IpModifyMin, Direct, DirectFexit, DirectFexitJmp, DirectFmodRet, DirectFmodRetJmp, DirectCall, OpsList];

    public static string ValidNames => string.Join(", ", All.Select(s => s.Name));

    public static Strategy Parse(string name) => NamedValues.Parse(name, All, s => s.Name, "strategy");
}
