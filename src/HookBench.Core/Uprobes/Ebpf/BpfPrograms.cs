namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// The programs HookBench attaches to kernel probes. They are the kernel-side counterparts of the
/// emitted handlers: <see cref="Empty"/> is the cost of running any program at all, <see cref="Counter"/>
/// is the seed thread's <c>jited_bpf_prog</c> (a map lookup and one atomic add per hit).
/// </summary>
public static class BpfPrograms
{
    /// <summary>The key of the one counter in the counter map.</summary>
    public const int CounterKey = 0;

    /// <summary><c>r0 = 0; exit</c>. For a kprobe-type program the return value says whether the perf event also records a sample; 0 means no.</summary>
    public static BpfProgram Empty()
    {
        var asm = new BpfAssembler();
        asm.Mov64(BpfRegister.R0, 0);
        asm.Exit();
        return new BpfProgram("hookbench_empty", asm.Build());
    }

    /// <summary>
    /// Adds 1 to the u64 at key 0 of the array map <paramref name="mapFd"/> on every hit:
    /// <code>
    /// *(u32 *)(r10 - 4) = 0            // the key lives on the program's stack
    /// r2 = r10; r2 += -4               // r2 = &amp;key
    /// r1 = map                         // BPF_PSEUDO_MAP_FD
    /// call bpf_map_lookup_elem         // r0 = &amp;value or NULL
    /// if r0 == 0 goto out              // the verifier insists on the null check
    /// r1 = 1; lock *(u64 *)(r0 + 0) += r1
    /// out: r0 = 0; exit
    /// </code>
    /// The add is atomic because a probe may fire on two CPUs at once.
    /// </summary>
    public static BpfProgram Counter(int mapFd)
    {
        const short keySlot = -4;
        var asm = new BpfAssembler();
        var done = asm.CreateLabel();
        asm.Store(BpfSize.Word, BpfRegister.R10, keySlot, CounterKey);
        asm.Mov64(BpfRegister.R2, BpfRegister.R10);
        asm.Add64(BpfRegister.R2, keySlot);
        asm.LoadMapFd(BpfRegister.R1, mapFd);
        asm.Call(BpfHelper.MapLookupElem);
        asm.JumpIfEqual(BpfRegister.R0, 0, done);
        asm.Mov64(BpfRegister.R1, 1);
        asm.AtomicAdd(BpfSize.DoubleWord, BpfRegister.R0, 0, BpfRegister.R1);
        asm.Bind(done);
        asm.Mov64(BpfRegister.R0, 0);
        asm.Exit();
        return new BpfProgram("hookbench_count", asm.Build());
    }
}
