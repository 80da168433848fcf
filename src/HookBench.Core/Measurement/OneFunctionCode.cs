using HookBench.Abi;
using HookBench.Cells;
using HookBench.HookSets;

namespace HookBench.Measurement;

/// <summary>
/// One hooked function and its timing loop: <see cref="TimingHarness"/> for the unrolled caller (and the
/// managed-shaped cross-check loop), <see cref="CallerHarness"/> for the other caller contexts.
/// </summary>
public sealed class OneFunctionCode : MeasuredCode
{
    readonly HookSet _set;
    readonly Emission.EmittedBlob _loop;

    OneFunctionCode(HookSet set, Emission.EmittedBlob loop, int callsPerIteration)
    {
        _set = set;
        _loop = loop;
        CallsPerIteration = callsPerIteration;
    }

    public HookSet Set => _set;

    public override int CallsPerIteration { get; }

    public override bool MovesWithPlacement => true;

    public static new OneFunctionCode Prepare(CellSpec spec, int codeOffset = 0)
    {
        var set = HookSetBuilder.Emit(spec.HookSet with { CodeOffset = codeOffset });
        try
        {
            var host = CallingConvention.Host;
            OneFunctionCode code;
            if (spec.Key.Caller == CallerContext.Unrolled)
            {
                var harness = TimingHarness.Emit(set, host, spec.Mode, spec.Loop);
                code = new OneFunctionCode(set, harness.Blob, TimingHarness.Unroll);
            }
            else
            {
                // The rolled loop makes one call per trip; the busy one is the unrolled loop with work after each of its 16 calls.
                int listed = spec.Key.Caller == CallerContext.Rolled ? 1 : TimingHarness.Unroll;
                var harness = CallerHarness.Emit(set.Image, host, set.Options.Abi, set.Options.ArgCount, spec.Mode, spec.Key.Caller,
                    [.. Enumerable.Repeat(set.EntryPoint, listed)]);
                code = new OneFunctionCode(set, harness.Blob, harness.CallsPerIteration);
            }

            set.Seal();
            return code;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    public override ulong Run(ulong iterations) => _set.Arena.Invoke(_loop.Address, iterations);

    public override void Attach() => _set.Attach();

    public override CodeWalk Walk()
    {
        var hooks = new HookCode(_set.Blobs);
        var path = ExecutedPath.Walk(_set.Arena, _set.EntryPoint, _set.PathFacts, hooks.Visit);
        return new CodeWalk(path, hooks.Bytes, HarnessLoop.CallerInstructionsPerCall(_set.Arena, _loop));
    }

    public override void Dispose() => _set.Dispose();
}
