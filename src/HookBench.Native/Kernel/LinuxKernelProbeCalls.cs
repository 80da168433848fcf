using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace HookBench.Native.Kernel;

/// <summary>
/// <see cref="IKernelProbeCalls"/> on the running Linux kernel. Each call packs its attribute struct
/// into a zeroed buffer at the offsets the uapi headers fix, pins whatever the struct points at for the
/// duration of the call, and returns the result or errno.
/// </summary>
public sealed unsafe class LinuxKernelProbeCalls : IKernelProbeCalls
{
    // include/uapi/linux/bpf.h, enum bpf_cmd.
    const int BpfCmdMapCreate = 0;
    const int BpfCmdMapLookupElem = 1;
    const int BpfCmdProgLoad = 5;

    // union bpf_attr grows with every release; the kernel takes any size as long as the bytes it does not
    // know are zero (kernel/bpf/syscall.c, bpf_check_uarg_tail_zero), so one zeroed 128-byte buffer covers
    // every command here on old and new kernels alike.
    const int BpfAttrSize = 128;
    const int BpfObjectNameLength = 16;

    // struct perf_event_attr up to sig_data: PERF_ATTR_SIZE_VER7 (include/uapi/linux/perf_event.h).
    const int PerfAttrSize = 128;
    const ulong PerfAttrDisabled = 1;       // bit 0 of the flags word at offset 40
    const long PerfFlagFdCloexec = 1 << 3;  // PERF_FLAG_FD_CLOEXEC

    public SyscallResult BpfMapCreate(uint mapType, uint keySize, uint valueSize, uint maxEntries, string name)
    {
        // map_type @0, key_size @4, value_size @8, max_entries @12, map_flags @16, inner_map_fd @20,
        // numa_node @24, map_name[16] @28.
        Span<byte> attr = stackalloc byte[BpfAttrSize];
        attr.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(attr[0..], mapType);
        BinaryPrimitives.WriteUInt32LittleEndian(attr[4..], keySize);
        BinaryPrimitives.WriteUInt32LittleEndian(attr[8..], valueSize);
        BinaryPrimitives.WriteUInt32LittleEndian(attr[12..], maxEntries);
        WriteObjectName(attr.Slice(28, BpfObjectNameLength), name);
        return Bpf(BpfCmdMapCreate, attr);
    }

    public SyscallResult BpfMapLookup(int mapFd, ReadOnlySpan<byte> key, Span<byte> value)
    {
        // map_fd @0, key @8 (aligned u64 pointer), value @16, flags @24.
        Span<byte> attr = stackalloc byte[BpfAttrSize];
        attr.Clear();
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(attr[0..], mapFd);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[8..], (ulong)keyPointer);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[16..], (ulong)valuePointer);
            return Bpf(BpfCmdMapLookupElem, attr);
        }
    }

    public SyscallResult BpfProgLoad(uint programType, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, string name, Span<byte> verifierLog)
    {
        // prog_type @0, insn_cnt @4, insns @8, license @16, log_level @24, log_size @28, log_buf @32,
        // kern_version @40, prog_flags @44, prog_name[16] @48.
        byte[] licenseBytes = NulTerminated(license);
        Span<byte> attr = stackalloc byte[BpfAttrSize];
        attr.Clear();
        fixed (byte* code = instructions)
        fixed (byte* licensePointer = licenseBytes)
        fixed (byte* log = verifierLog)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(attr[0..], programType);
            BinaryPrimitives.WriteUInt32LittleEndian(attr[4..], (uint)(instructions.Length / 8));
            BinaryPrimitives.WriteUInt64LittleEndian(attr[8..], (ulong)code);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[16..], (ulong)licensePointer);
            if (!verifierLog.IsEmpty)
            {
                verifierLog.Clear();
                BinaryPrimitives.WriteUInt32LittleEndian(attr[24..], 1);
                BinaryPrimitives.WriteUInt32LittleEndian(attr[28..], (uint)verifierLog.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(attr[32..], (ulong)log);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(attr[40..], kernelVersion);
            WriteObjectName(attr.Slice(48, BpfObjectNameLength), name);
            return Bpf(BpfCmdProgLoad, attr);
        }
    }

    public SyscallResult PerfEventOpenProbe(uint pmuType, ulong config, string path, ulong offset, int pid, int cpu)
    {
        // type @0, size @4, config @8, sample_period @16, sample_type @24, read_format @32, flag bits @40,
        // wakeup_events @48, bp_type @52, config1 (uprobe_path) @56, config2 (probe_offset) @64.
        byte[] pathBytes = NulTerminated(path);
        Span<byte> attr = stackalloc byte[PerfAttrSize];
        attr.Clear();
        fixed (byte* pathPointer = pathBytes)
        fixed (byte* attrPointer = attr)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(attr[0..], pmuType);
            BinaryPrimitives.WriteUInt32LittleEndian(attr[4..], PerfAttrSize);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[8..], config);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[40..], PerfAttrDisabled);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[56..], (ulong)pathPointer);
            BinaryPrimitives.WriteUInt64LittleEndian(attr[64..], offset);
            long result = KernelSyscalls.Syscall5(KernelSyscalls.SysPerfEventOpen, (nint)attrPointer, pid, cpu, -1, PerfFlagFdCloexec);
            return Result(result);
        }
    }

    public SyscallResult PerfEventIoctl(int fd, PerfEventIoctl request, int argument) =>
        Result(KernelSyscalls.Ioctl(fd, (ulong)request, argument));

    public void Close(int fd) => KernelSyscalls.Close(fd);

    static SyscallResult Bpf(int command, Span<byte> attr)
    {
        fixed (byte* attrPointer = attr)
            return Result(KernelSyscalls.Syscall3(KernelSyscalls.SysBpf, command, (nint)attrPointer, attr.Length));
    }

    static SyscallResult Result(long value) =>
        value < 0 ? SyscallResult.Failed(Marshal.GetLastPInvokeError()) : SyscallResult.Ok(value);

    static void WriteObjectName(Span<byte> field, string name)
    {
        int written = Encoding.ASCII.GetBytes(name.AsSpan(0, Math.Min(name.Length, field.Length - 1)), field);
        field[written..].Clear();
    }

    static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
