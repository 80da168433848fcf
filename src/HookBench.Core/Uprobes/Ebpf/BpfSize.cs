namespace HookBench.Uprobes.Ebpf;

/// <summary>Width of a load, store or atomic operation: the BPF_SIZE bits of its opcode.</summary>
public enum BpfSize : byte
{
    Word = BpfOpcode.SizeW,
    Half = BpfOpcode.SizeH,
    Byte = BpfOpcode.SizeB,
    DoubleWord = BpfOpcode.SizeDw,
}
