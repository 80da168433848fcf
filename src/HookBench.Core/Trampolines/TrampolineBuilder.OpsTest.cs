using HookBench.Emission;
using HookBench.Ftrace;
using HookBench.Kernel;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Trampolines;

/// <summary>
/// ftrace_ops_test() and the __ftrace_lookup_ip() inlined into it (kernel/trace/ftrace.c), which the list
/// function calls once per registered op; the metadata lookup of a multi-attach BPF trampoline uses the same
/// hash walk.
/// </summary>
public sealed partial class TrampolineBuilder
{
    /// <summary>
    /// ftrace_ops_test(ops, ip, regs), a leaf under the request's convention (ops, ip, regs in its first
    /// three argument registers; the result in eax):
    /// <code>
    ///  if (regs == NULL &amp;&amp; (ops->flags &amp; FTRACE_OPS_FL_SAVE_REGS)) return 0;
    ///  return (ftrace_hash_empty(filter) || __ftrace_lookup_ip(filter, ip)) &amp;&amp;
    ///         (ftrace_hash_empty(notrace) || !__ftrace_lookup_ip(notrace, ip));      hash_contains_ip()
    /// </code>
    /// where ftrace_hash_empty(h) is <c>!h || !(h->count || (h->flags &amp; FTRACE_HASH_FL_MOD))</c>.
    /// </summary>
    void EmitFtraceOpsTest(FtraceOpsList list)
    {
        var ops = list.Ops;
        int k = ops.Count;
        var matching = ops.Where(o => o.Matches).ToList();
        var opsArg = HandlerArg(0).R64();
        var ip = HandlerArg(1).R64();
        var regs = HandlerArg(2).R64();
        // Temporaries: volatile, not an argument, not rax/rcx (the result and the shift count).
        Register[] temps = [.. _request.Abi.Volatile.Where(r => r != Register.RAX && r != Register.RCX
            && !_request.Abi.ArgumentRegisters.Take(3).Contains(r))];
        var filter = temps[0].R64();
        var notrace = temps[1].R64();
        var scratch = temps[2].R64();
        var haveRegs = _asm.CreateLabel("test_hashes");
        var filterLookup = _asm.CreateLabel("filter_lookup");
        var filterOk = _asm.CreateLabel("filter_ok");
        var notraceLookup = _asm.CreateLabel("notrace_lookup");
        var yes = _asm.CreateLabel("return_1");
        var no = _asm.CreateLabel("return_0");

        Thunks.EmitEndbr(_asm);                                  // a global C function: ENDBR, or its sealed 4-byte NOP
        _asm.test(regs, regs);
        BranchOutcomes("regs_present", KernelCode.Never(k));
        _asm.jnz(haveRegs);
        _asm.test(__dword_ptr[opsArg + FtraceOpsList.FlagsOffset], FtraceOpsList.FlagSaveRegs);
        BranchOutcomes("ops_wants_regs", KernelCode.Never(k));
        _asm.jnz(no);
        _asm.Label(ref haveRegs);
        _asm.mov(rax, __qword_ptr[opsArg + FtraceOpsList.FuncHashOffset]);
        _asm.mov(filter, __qword_ptr[rax + FtraceOpsList.FilterHashInOpsHash]);
        _asm.mov(notrace, __qword_ptr[rax + FtraceOpsList.NotraceHashInOpsHash]);

        // Every filter here is non-empty (count > 0): look the ip up; found → filter_ok, else return 0.
        _asm.test(filter, filter);
        BranchOutcomes("filter_null", KernelCode.Never(k));
        _asm.jz(filterOk);
        _asm.cmp(__qword_ptr[filter + FtraceHash.CountOffset], 0);
        BranchOutcomes("filter_has_entries", KernelCode.Always(k));
        _asm.jne(filterLookup);
        _asm.test(__dword_ptr[filter + FtraceHash.FlagsOffset], FtraceHash.FlagMod);
        _asm.jz(filterOk);
        _asm.Label(ref filterLookup);
        EmitHashLookup(filter, ip, scratch, filterOk, no, [.. ops.Select(o => o.FilterWalk)], "filter");

        // Every notrace hash here is EMPTY_HASH: not null, count 0, no MOD flag → return 1.
        _asm.Label(ref filterOk);
        _asm.test(notrace, notrace);
        BranchOutcomes("notrace_null", KernelCode.Never(matching.Count));
        _asm.jz(yes);
        _asm.cmp(__qword_ptr[notrace + FtraceHash.CountOffset], 0);
        BranchOutcomes("notrace_has_entries", KernelCode.Never(matching.Count));
        _asm.jne(notraceLookup);
        _asm.test(__dword_ptr[notrace + FtraceHash.FlagsOffset], FtraceHash.FlagMod);
        BranchOutcomes("notrace_mod_empty", KernelCode.Always(matching.Count));
        _asm.jz(yes);
        _asm.Label(ref notraceLookup);
        EmitHashLookup(notrace, ip, scratch, no, yes, [], "notrace");

        _asm.Label(ref yes);
        _asm.mov(eax, 1);
        Thunks.EmitReturn(_asm);
        _asm.Label(ref no);
        _asm.xor(eax, eax);
        Thunks.EmitReturn(_asm);
    }

    /// <summary>
    /// __ftrace_lookup_ip(hash, ip) inlined: key = ftrace_hash_key(hash, ip) (hash_64 when size_bits &gt; 0),
    /// then walk buckets[key] comparing entry->ip. Jumps to <paramref name="found"/> or <paramref name="notFound"/>;
    /// <paramref name="walks"/> are this lookup's walks per hooked call, in order, for the path facts.
    /// Uses rax and rcx.
    /// </summary>
    void EmitHashLookup(AssemblerRegister64 hash, AssemblerRegister64 ip, AssemblerRegister64 scratch, Label found, Label notFound, IReadOnlyList<LookupWalk> walks, string name)
    {
        var bucket = _asm.CreateLabel($"{name}_bucket");
        var walk = _asm.CreateLabel($"{name}_walk");
        _asm.xor(eax, eax);                                      // key = 0 when size_bits == 0
        _asm.mov(rcx, __qword_ptr[hash + FtraceHash.SizeBitsOffset]);
        _asm.test(ecx, ecx);
        BranchOutcomes($"{name}_no_bits", [.. walks.Select(w => w.SizeBits == 0)]);
        _asm.jz(bucket);
        _asm.mov(rax, ip);                                       // hash_64(ip, bits) = ip * GOLDEN_RATIO_64 >> (64 - bits)
        _asm.mov(scratch, FtraceHash.GoldenRatio64);
        _asm.imul(rax, scratch);
        _asm.neg(ecx);
        _asm.shr(rax, cl);
        _asm.Label(ref bucket);
        _asm.mov(scratch, __qword_ptr[hash + FtraceHash.BucketsOffset]);
        _asm.mov(rax, __qword_ptr[scratch + rax * 8]);           // hhd->first
        _asm.Label(ref walk);
        _asm.test(rax, rax);
        BranchOutcomes($"{name}_walk_end", [.. walks.SelectMany(w => Enumerable.Repeat(false, w.NodesVisited).Append(true).Take(w.Found ? w.NodesVisited : w.NodesVisited + 1))]);
        _asm.jz(notFound);
        _asm.cmp(__qword_ptr[rax + FtraceHash.EntryIpOffset], ip);
        BranchOutcomes($"{name}_walk_hit", [.. walks.SelectMany(w => Enumerable.Range(1, w.NodesVisited).Select(n => w.Found && n == w.NodesVisited))]);
        _asm.je(found);
        _asm.mov(rax, __qword_ptr[rax + FtraceHash.EntryNextOffset]);
        _asm.jmp(walk);
    }
}
