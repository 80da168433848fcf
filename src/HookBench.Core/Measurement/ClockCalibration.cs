using System.Diagnostics;
using HookBench.Abi;
using HookBench.Emission;
using HookBench.Native;
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

/// <summary>
/// Calibrates the TSC against <see cref="Stopwatch"/> and estimates the core clock the way uarch-bench
/// does: a chain of dependent adds (1-cycle latency) timed with N and 2N iterations, so the loop's
/// fixed cost cancels. The TSC ticks at a fixed rate; the core clock may not, which is why both exist.
/// </summary>
public static class ClockCalibration
{
    const int AddsPerIteration = 32;

    public static Clocks Calibrate(TimeSpan? tscWindow = null)
    {
        using var arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
        var image = new CodeImage(arena);
        var host = CallingConvention.Host;
        var readTsc = image.Emit("rdtsc", BlobKind.Harness, asm =>
        {
            asm.lfence();
            asm.rdtsc();
            asm.shl(rdx, 32);
            asm.or(rax, rdx);
            asm.ret();
        });
        var addChain = image.Emit("add-chain", BlobKind.Harness, asm =>
        {
            // ticks = add_chain(iterations): AddsPerIteration dependent adds per iteration.
            var loop = asm.CreateLabel();
            asm.mov(r11, host.ArgumentRegisters[0].R64());
            asm.lfence();
            asm.rdtsc();
            asm.shl(rdx, 32);
            asm.or(rax, rdx);
            asm.mov(r10, rax);
            asm.xor(eax, eax);
            asm.Label(ref loop);
            for (int i = 0; i < AddsPerIteration; i++)
                asm.add(rax, 1);
            asm.dec(r11);
            asm.jnz(loop);
            asm.rdtscp();
            asm.lfence();
            asm.shl(rdx, 32);
            asm.or(rax, rdx);
            asm.sub(rax, r10);
            asm.ret();
        });
        arena.Seal();

        double tscHz = CalibrateTsc(arena, readTsc.Address, tscWindow ?? TimeSpan.FromMilliseconds(150));
        double coreHz = CalibrateCore(arena, addChain.Address, tscHz);
        return new Clocks(tscHz, coreHz);
    }

    static double CalibrateTsc(CodeArena arena, ulong readTsc, TimeSpan window)
    {
        var rates = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ulong c0 = arena.Invoke(readTsc, 0);
            long target = t0 + (long)(window.TotalSeconds / 3 * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < target)
            {
            }

            ulong c1 = arena.Invoke(readTsc, 0);
            long t1 = Stopwatch.GetTimestamp();
            rates.Add((c1 - c0) / ((double)(t1 - t0) / Stopwatch.Frequency));
        }

        rates.Sort();
        return rates[rates.Count / 2];
    }

    static double CalibrateCore(CodeArena arena, ulong addChain, double tscHz)
    {
        const ulong iterations = 20_000;
        for (int warm = 0; warm < 20; warm++)
            arena.Invoke(addChain, iterations);
        var rates = new List<double>();
        for (int round = 0; round < 41; round++)
        {
            ulong once = arena.Invoke(addChain, iterations);
            ulong twice = arena.Invoke(addChain, 2 * iterations);
            if (twice <= once)
                continue;
            double cycles = (double)iterations * AddsPerIteration;
            rates.Add(cycles / ((twice - once) / tscHz));
        }

        rates.Sort();
        return rates.Count == 0 ? tscHz : rates[rates.Count / 2];
    }
}
