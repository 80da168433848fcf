using HookBench.Abi;
using HookBench.Cells;
using HookBench.HookSets;
using HookBench.Native;

namespace HookBench.Measurement;

/// <summary>
/// One hooked function and its timing loop: <see cref="TimingHarness"/> for the unrolled caller (and the
/// managed-shaped cross-check loop), <see cref="CallerHarness"/> for the other caller contexts. A kernel-probe
/// set also gets a one-call timer (its first hit is timed alone), and every copy counts the calls it makes,
/// so a kernel probe's BPF counter can be checked against them.
/// </summary>
public sealed class OneFunctionCode : MeasuredCode
{
    readonly HookSet _set;
    readonly HarnessStack _stack;
    readonly Emission.EmittedBlob _loop;
    Emission.EmittedBlob? _oneCall;
    bool _probed;

    OneFunctionCode(HookSet set, HarnessStack stack, Emission.EmittedBlob loop, int callsPerIteration)
    {
        _set = set;
        _stack = stack;
        _loop = loop;
        CallsPerIteration = callsPerIteration;
    }

    /// <summary>Calls of the target since <see cref="ResetCalls"/> (or since it was built).</summary>
    public ulong CallsMade { get; private set; }

    public HookSet Set => _set;

    public override int CallsPerIteration { get; }

    /// <summary>Emits one copy at the default layout (tests, and fresh copies for a kernel probe's first hits).</summary>
    public static OneFunctionCode Prepare(CellSpec spec) => Prepare(spec, PlacementLayout.Default, hooked: false);

    public static new OneFunctionCode Prepare(CellSpec spec, PlacementLayout layout, bool hooked)
    {
        var set = HookSetBuilder.Emit(spec.HookSet with
        {
            CodeOffset = layout.CodeOffset,
            AddressHint = hooked ? layout.HookedAddress : layout.BaselineAddress,
        });
        HarnessStack? stack = null;
        try
        {
            stack = HarnessStack.Create();
            ulong top = stack.Top(layout.StackOffset);
            var host = CallingConvention.Host;
            OneFunctionCode code;
            if (spec.Key.Caller == CallerContext.Unrolled)
            {
                var harness = TimingHarness.Emit(set, host, spec.Mode, spec.Loop, top);
                code = new OneFunctionCode(set, stack, harness.Blob, TimingHarness.Unroll);
            }
            else
            {
                // The rolled loop makes one call per trip; the busy one is the unrolled loop with work after each of its 16 calls.
                int listed = spec.Key.Caller == CallerContext.Rolled ? 1 : TimingHarness.Unroll;
                var harness = CallerHarness.Emit(set.Image, host, set.Options.Abi, set.Options.ArgCount, spec.Mode, spec.Key.Caller,
                    [.. Enumerable.Repeat(set.EntryPoint, listed)], top);
                code = new OneFunctionCode(set, stack, harness.Blob, harness.CallsPerIteration);
            }

            if (set.Probe is not null)
                code._oneCall = TimingHarness.EmitSingleCall(set, host, top).Blob;
            set.Seal();
            return code;
        }
        catch
        {
            stack?.Dispose();
            set.Dispose();
            throw;
        }
    }

    public override ulong Run(ulong iterations)
    {
        ulong ticks = _set.Arena.Invoke(_loop.Address, iterations);
        CallsMade += iterations * (ulong)CallsPerIteration;
        return ticks;
    }

    /// <summary>TSC ticks for one call through the one-call timer (kernel-probe sets only).</summary>
    public ulong RunOnce()
    {
        var timer = _oneCall ?? throw new InvalidOperationException($"{_set.Options.Strategy.Name} has no one-call timer; only kernel-probe sets get one");
        ulong ticks = _set.Arena.Invoke(timer.Address, 0);
        CallsMade++;
        return ticks;
    }

    public void ResetCalls() => CallsMade = 0;

    /// <summary>Counts a call made to the target by other code than these timers (the stack probe).</summary>
    public void CountCall() => CallsMade++;

    /// <summary>
    /// Routes the site to its hook. A kernel-probe set has no site of ours to route: this copy is marked as the one
    /// the kernel will probe (<see cref="KernelProbeCell"/> puts the probe on just before its first hit), so its walk
    /// is the probed call's.
    /// </summary>
    public override void Attach()
    {
        _set.Attach();
        _probed = _set.Probe is not null;
    }

    public override CodeWalk Walk()
    {
        var hooks = new HookCode(_set.Blobs);
        var facts = _probed ? _set.Probe!.ProbedPathFacts : _set.PathFacts;
        var path = ExecutedPath.Walk(_set.Arena, _set.EntryPoint, facts, hooks.Visit);
        return new CodeWalk(path, hooks.Bytes, HarnessLoop.CallerInstructionsPerCall(_set.Arena, _loop));
    }

    public override void Dispose()
    {
        _set.Dispose();
        _stack.Dispose();
    }
}
