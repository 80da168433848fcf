using System.Diagnostics;
using HookBench.Abi;
using HookBench.Emission;
using HookBench.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Measurement;

/// <summary>The two clocks every figure is reported in.</summary>
/// <param name="TscHz">TSC ticks per second, calibrated against the OS monotonic clock.</param>
/// <param name="CoreHz">Core cycles per second, estimated from a dependent-add chain (one cycle per add).</param>
public sealed record Clocks(double TscHz, double CoreHz)
{
    public double TicksToNs(double ticks) => ticks * 1e9 / TscHz;

    public double NsToCycles(double ns) => ns * CoreHz / 1e9;
}

/// <summary>One reading of the core clock.</summary>
/// <param name="CoreHz">Core cycles per second from the dependent <c>add rax, rdx</c> chain.</param>
/// <param name="ImulRatio">Time per dependent <c>imul rax, rdx</c> over time per add: 3 when the add chain really runs at one cycle per add.</param>
public sealed record CoreClockReading(double CoreHz, double ImulRatio);

/// <summary>
/// Calibrates the TSC against <see cref="Stopwatch"/> and measures the core clock the way uarch-bench does:
/// a chain of dependent adds (1-cycle latency) timed with N and 2N iterations, so the loop's fixed cost
/// cancels. The adds take a register operand, <c>add rax, rdx</c>: Intel cores since Golden Cove can
/// execute an immediate add (<c>add rax, 1</c>) at rename, without a cycle of latency, and a chain of them
/// then overstates the clock. A dependent <c>imul rax, rdx</c> chain (3-cycle latency on every x86-64 core
/// since Core 2 and K8, per uops.info) cross-checks it: its time per instruction over the add chain's must
/// be 3, and the reading records how far it is. The TSC ticks at a fixed rate; the core clock may not,
/// which is why both exist and why runs read the core clock again every round.
/// </summary>
public sealed class ClockCalibration : IDisposable
{
    const int ChainLength = 32;

    readonly CodeArena _arena;
    readonly ulong _readTsc;
    readonly ulong _addChain;
    readonly ulong _imulChain;

    ClockCalibration()
    {
        _arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
        try
        {
            var image = new CodeImage(_arena);
            _readTsc = image.Emit("rdtsc", BlobKind.Harness, asm =>
            {
                asm.lfence();
                asm.rdtsc();
                asm.shl(rdx, 32);
                asm.or(rax, rdx);
                asm.ret();
            }).Address;
            _addChain = EmitChain(image, "add-chain", asm => asm.add(rax, rdx));
            _imulChain = EmitChain(image, "imul-chain", asm => asm.imul(rax, rdx));
            _arena.Seal();
        }
        catch
        {
            _arena.Dispose();
            throw;
        }
    }

    public static ClockCalibration Create() => new();

    /// <summary>TSC rate and a careful core-clock reading, once at the start of a run.</summary>
    public static Clocks Calibrate(TimeSpan? tscWindow = null)
    {
        using var probe = Create();
        double tscHz = probe.CalibrateTsc(tscWindow ?? TimeSpan.FromMilliseconds(150));
        probe.Warm();
        return new Clocks(tscHz, probe.Read(tscHz, samples: 41).CoreHz);
    }

    /// <summary>Runs the chains a while so the first reading does not catch the core ramping up.</summary>
    public void Warm()
    {
        for (int warm = 0; warm < 20; warm++)
        {
            _arena.Invoke(_addChain, 20_000);
            _arena.Invoke(_imulChain, 5_000);
        }
    }

    /// <summary>A reading of the core clock: the median of <paramref name="samples"/> N/2N timings of each chain (about 0.1 ms each).</summary>
    public CoreClockReading Read(double tscHz, int samples = 7)
    {
        double addTicks = TicksPerInstruction(_addChain, 2_000, samples);
        double imulTicks = TicksPerInstruction(_imulChain, 700, samples);
        if (double.IsNaN(addTicks))
            return new CoreClockReading(tscHz, double.NaN);
        return new CoreClockReading(tscHz / addTicks, imulTicks / addTicks);
    }

    public void Dispose() => _arena.Dispose();

    /// <summary>ticks = chain(iterations): <see cref="ChainLength"/> dependent instructions per iteration, between serialized TSC reads.</summary>
    static ulong EmitChain(CodeImage image, string name, Action<Assembler> link) => image.Emit(name, BlobKind.Harness, asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(r11, CallingConvention.Host.ArgumentRegisters[0].R64());
        asm.lfence();
        asm.rdtsc();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
        asm.mov(r10, rax);
        asm.mov(edx, 1);
        asm.mov(eax, 1);
        asm.Label(ref loop);
        for (int i = 0; i < ChainLength; i++)
            link(asm);
        asm.dec(r11);
        asm.jnz(loop);
        asm.rdtscp();
        asm.lfence();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
        asm.sub(rax, r10);
        asm.ret();
    }).Address;

    /// <summary>TSC ticks per chained instruction: (ticks(2N) − ticks(N)) / (N × chain), so the loop's fixed cost cancels; NaN if no timing was sane.</summary>
    double TicksPerInstruction(ulong chain, ulong iterations, int samples)
    {
        var rates = new List<double>(samples);
        for (int i = 0; i < samples; i++)
        {
            ulong once = _arena.Invoke(chain, iterations);
            ulong twice = _arena.Invoke(chain, 2 * iterations);
            if (twice > once)
                rates.Add((twice - once) / (double)(iterations * ChainLength));
        }

        if (rates.Count == 0)
            return double.NaN;
        rates.Sort();
        return rates[rates.Count / 2];
    }

    double CalibrateTsc(TimeSpan window)
    {
        var rates = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ulong c0 = _arena.Invoke(_readTsc, 0);
            long target = t0 + (long)(window.TotalSeconds / 3 * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < target)
            {
            }

            ulong c1 = _arena.Invoke(_readTsc, 0);
            long t1 = Stopwatch.GetTimestamp();
            rates.Add((c1 - c0) / ((double)(t1 - t0) / Stopwatch.Frequency));
        }

        rates.Sort();
        return rates[rates.Count / 2];
    }
}
