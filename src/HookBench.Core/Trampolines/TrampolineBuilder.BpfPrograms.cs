using HookBench.Abi;
using HookBench.Bpf;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Kernel;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Trampolines;

/// <summary>
/// A BPF trampoline with several programs, per-program bookkeeping and a multi-attach metadata lookup.
/// Without bookkeeping the programs are called from the thread's pushed frame; with it, the frame and
/// per-program sequence are the v6.x generator's (__arch_prepare_bpf_trampoline and invoke_bpf_prog in
/// arch/x86/net/bpf_jit_comp.c) for a fentry-only trampoline (BPF_TRAMP_F_RESTORE_REGS):
/// <code>
///  rbp+8        return into target (func+5)
///  rbp+0        saved rbp
///  rbp-8N       arg0 .. argN-1          &lt;- ctx (save_args, in order)
///  rbp-8N-8     nr_regs
///  rbp-8N-16    saved rbx               (rbx carries each program's start time to its exit)
///  rbp-8N-32    struct bpf_tramp_run_ctx: bpf_cookie, saved_run_ctx
///  rbp-8N-48    saved r12, r13          (multi-attach lookups only: the loop's cursor and count)
///
///  per program:  mov [run_ctx.cookie], cookie; rdi = prog; rsi = &amp;run_ctx; call __bpf_prog_enter_recur
///                mov rbx, rax; test rax, rax; je skip; rdi = ctx; call prog->bpf_func
///         skip:  rdi = prog; rsi = rbx; rdx = &amp;run_ctx; call __bpf_prog_exit_recur
/// </code>
/// With <see cref="MetadataLookup.Const"/> the programs, cookies and <c>bpf_func</c>s are immediates and the
/// calls direct, one sequence per program. With a lookup, one trampoline serves many functions: it finds
/// the function's metadata from the ip the site's return address gives, then loops over the (program,
/// cookie) entries and calls each <c>bpf_func</c> through an indirect call.
/// </summary>
public sealed partial class TrampolineBuilder
{
    /// <summary>The v6.x frame's context: the arguments stored in order, no return-value slot (fentry only).</summary>
    static ContextLayout ArgsArraySaved(int argCount) =>
        new(ContextKind.ArgsArray, [.. Enumerable.Range(0, argCount).Select(i => 8 * i)], null);

    /// <summary>Where the programs find the arguments, given the bookkeeping profile that picks the frame.</summary>
    public static ContextLayout ContextFor(TrampolineSpec spec, int argCount, BpfProfile profile) =>
        spec.Context == ContextKind.ArgsArray && !spec.Has(TrampolineFlags.CallOriginal) && profile.WrapsPrograms
            ? ArgsArraySaved(argCount)
            : ContextFor(spec, argCount);

    /// <summary>
    /// The thread's frame, between pushing and popping the arguments: <c>lea rdi, ctx; call prog</c> per
    /// program (exactly the thread's two instructions for one), or a lookup and a loop of indirect calls.
    /// </summary>
    void EmitPushedFramePrograms(int contextFromRbp)
    {
        var bpf = _request.Bpf;
        var context = HandlerArg(0).R64();
        int calls = Mutated(TrampolineMutation.CallCallbackTwice) ? 2 : 1;
        if (bpf is null || bpf.Lookup == MetadataLookup.Const)
        {
            IEnumerable<ulong> programs = bpf is null ? [_request.EntryHandler] : bpf.Programs.Select(p => p.Function);
            foreach (ulong program in programs)
            {
                for (int call = 0; call < calls; call++)
                {
                    _asm.lea(context, __qword_ptr[rbp + contextFromRbp]);
                    CallHandler(program);
                }
            }

            return;
        }

        Push(r12);
        Push(r13);
        var none = _asm.CreateLabel("no_programs");
        EmitMetadataLookup(bpf, none);
        EmitProgramLoop(bpf, () =>
        {
            for (int call = 0; call < calls; call++)
            {
                _asm.lea(context, __qword_ptr[rbp + contextFromRbp]);
                EmitLoadProgramFunction();
                CallHandler(_ => EmitIndirectCall(Register.RAX, ProgramCalls(bpf, calls)));
            }
        });
        _asm.Label(ref none);
        _asm.pop(r13);
        _asm.pop(r12);
        _depth -= 16;
    }

    /// <summary>The v6.x generator's fentry-only trampoline, with each program wrapped in the runtime's enter/exit calls.</summary>
    void EmitWrappedPrograms(BpfAttachment bpf)
    {
        var abi = _request.Abi;
        int n = _request.ArgCount;
        bool lookup = bpf.Lookup != MetadataLookup.Const;
        int regsOff = 8 * n;
        int nregsOff = regsOff + 8;
        int rbxOff = nregsOff + 8;
        int runCtxOff = rbxOff + BpfRuntimeEmitter.RunCtxSize;
        int r12Off = runCtxOff + 8, r13Off = runCtxOff + 16;
        int stackSize = lookup ? r13Off : runCtxOff;

        EmitEntryAccounting();
        EmitInjectedLatency();
        Push(rbp);
        _asm.mov(rbp, rsp);
        SubRsp(stackSize);
        _asm.mov(__qword_ptr[rbp - rbxOff], rbx);
        if (lookup)
        {
            _asm.mov(__qword_ptr[rbp - r12Off], r12);
            _asm.mov(__qword_ptr[rbp - r13Off], r13);
        }

        // "Store number of argument registers of the traced function": mov eax, nr_regs; mov [rbp - nregs_off], rax
        if (n == 0)
            _asm.xor(eax, eax);
        else
            _asm.mov(eax, n);
        _asm.mov(__qword_ptr[rbp - nregsOff], rax);

        // save_args: register arguments stored; stack arguments copied from the traced function's frame.
        for (int i = 0; i < n; i++)
        {
            ArgumentLocation location = abi.Argument(i);
            if (location.InRegister)
            {
                _asm.mov(__qword_ptr[rbp - regsOff + 8 * i], location.Register.R64());
            }
            else
            {
                _asm.mov(Scratch.R64(), __qword_ptr[rbp + 16 + location.EntryStackOffset]);
                _asm.mov(__qword_ptr[rbp - regsOff + 8 * i], Scratch.R64());
            }
        }

        var runtime = bpf.RequireRuntime();
        var none = _asm.CreateLabel("no_programs");
        if (lookup)
        {
            EmitMetadataLookup(bpf, none);
            EmitProgramLoop(bpf, () => EmitInvokeProgram(bpf, runtime, regsOff, runCtxOff, null));
        }
        else
        {
            foreach (var program in bpf.Programs)
                EmitInvokeProgram(bpf, runtime, regsOff, runCtxOff, program);
        }

        // restore_regs (BPF_TRAMP_F_RESTORE_REGS): the body gets its register arguments back.
        _asm.Label(ref none);
        for (int i = 0; i < Math.Min(n, abi.ArgumentRegisters.Count); i++)
        {
            if (i == 0 && Mutated(TrampolineMutation.SkipArgumentRestore))
                continue;
            _asm.mov(abi.ArgumentRegisters[i].R64(), __qword_ptr[rbp - regsOff + 8 * i]);
        }

        _asm.mov(rbx, __qword_ptr[rbp - rbxOff]);
        if (lookup)
        {
            _asm.mov(r12, __qword_ptr[rbp - r12Off]);
            _asm.mov(r13, __qword_ptr[rbp - r13Off]);
        }

        _asm.leave();
        EmitReturn();
    }

    /// <summary>
    /// invoke_bpf_prog for one program: the constant <paramref name="program"/>, or, when null, the entry
    /// r12 points at in the function's metadata.
    /// </summary>
    void EmitInvokeProgram(BpfAttachment bpf, BpfRuntime runtime, int regsOff, int runCtxOff, BpfProgram? program)
    {
        var a0 = HandlerArg(0).R64();
        var a1 = HandlerArg(1).R64();
        var a2 = HandlerArg(2).R64();
        var skip = _asm.CreateLabel("skip_prog");
        int runs = program is null ? bpf.Programs.Count : 1;
        int calls = Mutated(TrampolineMutation.CallCallbackTwice) ? 2 : 1;

        void LoadProgram()
        {
            if (program is null)
                _asm.mov(a0, __qword_ptr[r12 + FunctionMetadata.EntryProgramOffset]);
            else
                _asm.mov(a0, program.Address);
        }

        if (bpf.Profile.Has(BpfSteps.RunCtx))
        {
            // mov rdi, cookie; mov QWORD PTR [rbp - run_ctx_off + ctx_cookie_off], rdi
            if (program is null)
                _asm.mov(a0, __qword_ptr[r12 + FunctionMetadata.EntryCookieOffset]);
            else
                EmitMovImm64(HandlerArg(0), program.Cookie);
            _asm.mov(__qword_ptr[rbp - runCtxOff + BpfRuntimeEmitter.RunCtxCookieOffset], a0);
        }

        LoadProgram();
        _asm.lea(a1, __qword_ptr[rbp - runCtxOff]);
        CallRuntime(runtime.Enter);
        _asm.mov(rbx, rax);                                              // "remember prog start time"
        _asm.test(rax, rax);
        BranchOutcomes("enter_said_skip", KernelCode.Never(runs));
        _asm.je(skip);                                                   // if (__bpf_prog_enter*(prog) == 0) goto skip
        for (int call = 0; call < calls; call++)
        {
            _asm.lea(a0, __qword_ptr[rbp - regsOff]);
            if (program is null)
            {
                EmitLoadProgramFunction();
                CallHandler(_ => EmitIndirectCall(Register.RAX, ProgramCalls(bpf, calls)));
            }
            else
            {
                CallHandler(program.Function);
            }
        }

        _asm.Label(ref skip);
        LoadProgram();
        _asm.mov(a1, rbx);
        _asm.lea(a2, __qword_ptr[rbp - runCtxOff]);
        CallRuntime(runtime.Exit);
    }

    /// <summary>
    /// emit_mov_imm64() (arch/x86/net/bpf_jit_comp.c): <c>xor r32, r32</c> for 0, <c>mov r32, imm32</c> when the
    /// upper half is 0, <c>movabs</c> otherwise.
    /// </summary>
    void EmitMovImm64(Register destination, ulong value)
    {
        var low = new AssemblerRegister32(destination.GetFullRegister32());
        if (value == 0)
            _asm.xor(low, low);
        else if (value <= uint.MaxValue)
            _asm.mov(low, unchecked((int)(uint)value));
        else
            _asm.mov(destination.R64(), value);
    }

    /// <summary>rax = entry->prog->bpf_func, for the entry r12 points at.</summary>
    void EmitLoadProgramFunction()
    {
        _asm.mov(rax, __qword_ptr[r12 + FunctionMetadata.EntryProgramOffset]);
        _asm.mov(rax, __qword_ptr[rax + BpfProgram.BpfFuncOffset]);
    }

    /// <summary>Where the loop's indirect call goes, call after call: each program in order (twice each under the mutation).</summary>
    static IReadOnlyList<ulong> ProgramCalls(BpfAttachment bpf, int callsPerProgram) =>
        [.. bpf.Programs.SelectMany(p => Enumerable.Repeat(p.Function, callsPerProgram))];

    /// <summary>
    /// r12 = the traced function's metadata, found from its ip (the site's return address minus the site):
    /// a pointer in the 8 bytes before the entry, or the <c>direct</c> field of its entry in the hash table.
    /// Jumps to <paramref name="none"/> if the function has none.
    /// </summary>
    void EmitMetadataLookup(BpfAttachment bpf, Label none)
    {
        var metadata = bpf.RequireMetadata();
        int siteLength = _request.Site.Length;
        if (bpf.Lookup == MetadataLookup.Padding)
        {
            _asm.mov(rax, __qword_ptr[rbp + 8]);
            _asm.mov(r12, __qword_ptr[rax - siteLength - bpf.SiteAfterPadding - Targets.FunctionPadding.MetadataBeforeEntry]);
            return;
        }

        var ip = _request.Abi.Scratch[0].R64();
        var table = _request.Abi.Scratch[1].R64();
        var found = _asm.CreateLabel("metadata_found");
        _asm.mov(ip, __qword_ptr[rbp + 8]);
        _asm.sub(ip, siteLength);
        _asm.LoadRip(table.Value, metadata.TableReference!.Value);
        EmitHashLookup(table, ip, rdx, found, none, [metadata.Walk!.Value], "metadata");
        _asm.Label(ref found);
        _asm.mov(r12, __qword_ptr[rax + Ftrace.FtraceHash.EntryDirectOffset]);
    }

    /// <summary>r13 = the program count, r12 = the first (program, cookie) entry; then <paramref name="body"/> per entry.</summary>
    void EmitProgramLoop(BpfAttachment bpf, Action body)
    {
        int p = bpf.Programs.Count;
        var loop = _asm.CreateLabel("for_each_program");
        _asm.mov(r13, __qword_ptr[r12 + FunctionMetadata.CountOffset]);
        _asm.add(r12, FunctionMetadata.EntriesOffset);
        _asm.Label(ref loop);
        body();
        _asm.add(r12, FunctionMetadata.EntrySize);
        _asm.dec(r13);
        BranchOutcomes("next_program", [.. Enumerable.Range(0, p).Select(i => i < p - 1)]);
        _asm.jnz(loop);
    }

    /// <summary>A call to the enter/exit runtime: a C function, so the convention's shadow space, but no handler alignment to document.</summary>
    void CallRuntime(ulong function)
    {
        int shadow = _request.Abi.ShadowSpaceBytes;
        if (shadow > 0)
            _asm.sub(rsp, shadow);
        Thunks.EmitCallAccounting(_asm);                                 // emit_rsb_call()
        _asm.call(function);
        if (shadow > 0)
            _asm.add(rsp, shadow);
    }
}
