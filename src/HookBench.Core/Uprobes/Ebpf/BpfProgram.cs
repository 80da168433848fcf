namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// eBPF code ready for BPF_PROG_LOAD. <paramref name="Name"/> becomes <c>prog_name</c>, which the kernel
/// limits to 15 characters from [A-Za-z0-9_.] (BPF_OBJ_NAME_LEN, kernel/bpf/syscall.c bpf_obj_name_cpy);
/// it is what bpftool and /proc/kallsyms (bpf_prog_&lt;tag&gt;_&lt;name&gt;) show.
/// </summary>
public sealed record BpfProgram
{
    public const int MaxNameLength = 15;

    public BpfProgram(string name, IReadOnlyList<BpfInstruction> instructions)
    {
        if (name.Length is 0 or > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            throw new ArgumentException($"BPF object names are 1..{MaxNameLength} characters of [A-Za-z0-9_.]; got '{name}'", nameof(name));
        if (instructions.Count == 0)
            throw new ArgumentException("a program has at least one instruction", nameof(instructions));
        Name = name;
        Instructions = instructions;
    }

    public string Name { get; }

    public IReadOnlyList<BpfInstruction> Instructions { get; }

    public byte[] ToBytes() => BpfInstruction.EncodeAll(Instructions);
}
