namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// The eBPF registers (include/uapi/linux/bpf.h, BPF_REG_0..BPF_REG_10): R0 holds return values, R1–R5
/// helper arguments (clobbered by calls), R6–R9 are callee-saved, R10 is the read-only frame pointer.
/// </summary>
public enum BpfRegister : byte
{
    R0,
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
}
