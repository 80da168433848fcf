using HookBench.Abi;
using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Footprint;

/// <summary>The labels of the lookup's data-dependent transfers, for its path facts.</summary>
public sealed record FtraceListFuncLabels(Label EmptyFilter, Label EndOfChain, Label IpMatch, Label CallFunc);

/// <summary>
/// The shared trampoline's callback: <c>ftrace_ops_list_func()</c> serving one ops, with what it inlines for
/// that ops (<c>ftrace_ops_test()</c> → <c>hash_contains_ip()</c> → <c>__ftrace_lookup_ip()</c>,
/// kernel/trace/ftrace.c): is the filter hash empty; hash the ip; walk the bucket's hlist to the entry
/// whose ip matches; call <c>op-&gt;func(ip, parent_ip, op, fregs)</c> through the ops. This is the work a
/// shared trampoline does per call to learn which function it serves and that a per-function trampoline
/// has baked in; it runs when the ops cannot be called directly (several ops on a function, or a dynamic
/// ops, which keeps the list function: <c>update_ftrace_function()</c>), and fprobe does the same kind
/// of by-ip lookup for its per-function data.
/// </summary>
/// <remarks>
/// Left out, as <c>direct</c> leaves out <c>__bpf_prog_enter/exit</c>: the recursion bit
/// (<c>trace_test_and_set_recursion</c>), preemption disabling, the RCU-watching check, the walk on to
/// further ops, and the notrace-hash test (these sets have no notrace hash, which the kernel tests with one
/// more load and compare). The hash's <c>size_bits</c> is an immediate shift where the kernel loads it.
/// Registers: the four callback arguments stay intact for the call; the lookup uses the return register
/// and the convention's first scratch register, both free in a callee.
/// </remarks>
public static class FtraceListFunc
{
    public static FtraceListFuncLabels Emit(Assembler asm, CallingConvention abi, int bits, DataSlot? matched)
    {
        if (bits is < 1 or > FtraceHash.MaxBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"1..{FtraceHash.MaxBits}");
        var ip = abi.ArgumentRegisters[0].R64();
        var op = abi.ArgumentRegisters[2].R64();
        var hash = abi.Scratch[0].R64();
        var emptyFilter = asm.CreateLabel("empty_filter");
        var endOfChain = asm.CreateLabel("end_of_chain");
        var ipMatch = asm.CreateLabel("ip_match");
        var callFunc = asm.CreateLabel("call_func");
        var next = asm.CreateLabel("next");
        var call = asm.CreateLabel("call");
        var found = matched is null ? call : asm.CreateLabel("found");     // one label per instruction: without the store they coincide
        var done = asm.CreateLabel("done");

        asm.mov(hash, __qword_ptr[op + FtraceOps.FuncHash]);               // op->func_hash
        asm.mov(hash, __qword_ptr[hash + FtraceOps.FilterHash]);           // ->filter_hash
        asm.cmp(__qword_ptr[hash + FtraceHash.Count], 0);                  // ftrace_hash_empty(): an empty filter matches all
        asm.Label(ref emptyFilter);
        asm.je(call);
        asm.mov(rax, FtraceHash.GoldenRatio64);                            // key = hash_64(ip, size_bits)
        asm.imul(rax, ip);
        asm.shr(rax, (byte)(64 - bits));
        asm.mov(hash, __qword_ptr[hash + FtraceHash.Buckets]);
        asm.mov(rax, __qword_ptr[hash + rax * 8]);                         // hhd->first
        asm.Label(ref next);
        asm.test(rax, rax);
        asm.Label(ref endOfChain);
        asm.jz(done);                                                      // not in the filter: no call
        asm.cmp(__qword_ptr[rax + FtraceHash.EntryIp], ip);               // entry->ip == ip
        asm.Label(ref ipMatch);
        asm.je(found);
        asm.mov(rax, __qword_ptr[rax + FtraceHash.EntryNext]);            // hlist_for_each_entry: entry->hlist.next
        asm.jmp(next);
        if (matched is DataSlot slot)
        {
            asm.Label(ref found);
            asm.StoreRip(slot.Address, Register.RAX);                      // validation builds: which entry matched
        }

        asm.Label(ref call);
        if (abi.ShadowSpaceBytes > 0)
            asm.sub(rsp, abi.ShadowSpaceBytes);
        asm.mov(rax, __qword_ptr[op + FtraceOps.Func]);                   // op->func(ip, parent_ip, op, fregs)
        asm.Label(ref callFunc);
        asm.call(rax);
        if (abi.ShadowSpaceBytes > 0)
            asm.add(rsp, abi.ShadowSpaceBytes);
        asm.Label(ref done);
        asm.ret();
        return new FtraceListFuncLabels(emptyFilter, endOfChain, ipMatch, callFunc);
    }
}
