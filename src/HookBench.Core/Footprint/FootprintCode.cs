using HookBench.Abi;
using HookBench.Measurement;
using HookBench.Native;

namespace HookBench.Footprint;

/// <summary>
/// A footprint set and its driver: the timing loop calls the M functions in the set's pass order with
/// one direct <c>call rel32</c> per entry, unrolled.
/// </summary>
/// <remarks>
/// Direct calls rather than <c>call [table + i*8]</c>: in the kernel each traced function is called from
/// its own call sites, and a single indirect call cycling through thousands of targets would measure the
/// indirect-branch predictor's misses in the baseline as much as anything the hooks do. The price is the
/// driver's own code (about 20 bytes per call at 2 arguments), which the unhooked copy runs too, so it
/// cancels in the overhead. The only transfer the walk needs told about is the loop branch.
/// </remarks>
public sealed class FootprintCode : MeasuredCode
{
    /// <summary>A generous bound on instructions per call in a pass walk (the longest hook path is under 200).</summary>
    const int WalkBudgetPerCall = 1000;

    readonly FootprintSet _set;
    readonly HarnessStack _stack;
    readonly CallerHarness _driver;

    FootprintCode(FootprintSet set, HarnessStack stack, CallerHarness driver)
    {
        _set = set;
        _stack = stack;
        _driver = driver;
    }

    public FootprintSet Set => _set;

    public CallerHarness Driver => _driver;

    public override int CallsPerIteration => _driver.CallsPerIteration;

    /// <summary>Emits one copy at the default layout (tests).</summary>
    public static FootprintCode Prepare(CellSpec spec) => Prepare(spec, PlacementLayout.Default, hooked: false);

    public static new FootprintCode Prepare(CellSpec spec, PlacementLayout layout, bool hooked)
    {
        var set = FootprintSetBuilder.Emit(spec.HookSet with { AddressHint = hooked ? layout.HookedAddress : layout.BaselineAddress }, spec.Key.Functions);
        HarnessStack? stack = null;
        try
        {
            stack = HarnessStack.Create();
            var driver = CallerHarness.Emit(set.Image, CallingConvention.Host, set.Options.Abi, set.Options.ArgCount, spec.Mode, spec.Key.Caller, set.PassCallees, stack.Top(layout.StackOffset));
            set.PathFacts.Add(driver.Blob, driver.OneIterationFacts);
            set.Seal();
            return new FootprintCode(set, stack, driver);
        }
        catch
        {
            stack?.Dispose();
            set.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One untimed pass, then the timed ones: each measurement starts with its own copy's code in the caches
    /// and predictors. The two copies of a large set do not fit the L2 together, and CellRunner alternates
    /// them, so without it the first, cold pass of every measurement was charged to whichever copy ran after
    /// the other.
    /// </summary>
    public override ulong Run(ulong iterations)
    {
        _set.Arena.Invoke(_driver.Blob.Address, WarmUpPasses);
        return _set.Arena.Invoke(_driver.Blob.Address, iterations);
    }

    const ulong WarmUpPasses = 1;

    public override void Attach() => _set.Attach();

    /// <summary>Walks one pass of the driver (one loop iteration) and counts what ran outside the driver itself.</summary>
    public override CodeWalk Walk()
    {
        var hooks = new HookCode(_set.Blobs);
        var driver = _driver.Blob;
        int driverInstructions = 0;
        var code = new Dictionary<ulong, int>();
        var branches = new HashSet<ulong>();
        var walk = ExecutedPath.Walk(_set.Arena, driver.Address, _set.PathFacts, instruction =>
        {
            hooks.Visit(instruction);
            code[instruction.IP] = instruction.Length;
            if (instruction.FlowControl != Iced.Intel.FlowControl.Next)
                branches.Add(instruction.IP);
            if (instruction.IP >= driver.Address && instruction.IP < driver.End)
                driverInstructions++;
        }, limit: WalkBudgetPerCall * (_set.PassCallees.Count + 16));
        int calls = _set.PassCallees.Count;
        int pass = walk.Instructions - driverInstructions;
        var perCall = new PathWalk((int)Math.Round(pass / (double)calls, MidpointRounding.AwayFromZero), walk.NotStatic);
        return new CodeWalk(perCall, hooks.Bytes, HarnessLoop.CallerInstructionsPerCall(_set.Arena, driver))
        {
            CallsPerPass = calls,
            PassInstructions = pass,
            PassCodeBytes = code.Values.Sum(),
            PassBranches = branches.Count,
            LookupDataBytes = _set.LookupDataBytes,
        };
    }

    public override void Dispose()
    {
        _set.Dispose();
        _stack.Dispose();
    }
}
