using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace HookBench.Native.Kernel;

/// <summary>
/// <see cref="IKernelProbeCalls"/> on the running Linux kernel, and the only place HookBench calls bpf(2)
/// or perf_event_open(2). Each call packs its attribute struct at the offsets the uapi headers fix, pins
/// whatever the struct points at for the duration of the call, and returns the result or errno. glibc
/// wraps neither system call, so both go through syscall(2).
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

    const nint PerfFlagFdCloexec = 1 << 3;  // PERF_FLAG_FD_CLOEXEC

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
        // The kernel copies the path during the call (strndup_user in perf_uprobe_init), so pinning it
        // for the call is enough.
        byte[] pathBytes = NulTerminated(path);
        fixed (byte* pathPointer = pathBytes)
        {
            var attr = new PerfEventAttr
            {
                Type = pmuType,
                Size = PerfEventAttr.SizeVer1,
                Config = config,
                Flags = PerfEventAttr.FlagDisabled,
                Config1 = (ulong)pathPointer,
                Config2 = offset,
            };
            return Result(NativeMethods.Syscall(NativeMethods.SysPerfEventOpen, (nint)(&attr), pid, cpu, -1, PerfFlagFdCloexec));
        }
    }

    public SyscallResult PerfEventIoctl(int fd, PerfEventIoctl request, int argument) =>
        Result(NativeMethods.Ioctl(fd, (nuint)request, argument));

    public void Close(int fd) => NativeMethods.Close(fd);

    static SyscallResult Bpf(int command, Span<byte> attr)
    {
        fixed (byte* attrPointer = attr)
            return Result(NativeMethods.Syscall(NativeMethods.SysBpf, command, (nint)attrPointer, attr.Length, 0, 0));
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
