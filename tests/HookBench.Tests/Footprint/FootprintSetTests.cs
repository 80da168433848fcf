using HookBench.Abi;
using HookBench.Cells;
using HookBench.Footprint;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Footprint;

public class FootprintSetTests
{
    static CellSpec Spec(Strategy strategy, int functions, HandlerKind handler = HandlerKind.Empty, CallerContext caller = CallerContext.Unrolled) =>
        new(new CellKey(strategy, 2, handler, MeasurementMode.Throughput) { Functions = functions, Caller = caller });

    /// <summary>Hook instructions of one call of one hooked function (the single-function cell's figure).</summary>
    static int OneFunctionHookInstructions(Strategy strategy)
    {
        using var set = HookSetBuilder.Build(new HookSetOptions(strategy, HandlerKind.Empty, 2, CallingConvention.Host));
        int unhooked = ExecutedPath.Walk(set).Instructions;
        set.Attach();
        return ExecutedPath.Walk(set).Instructions - unhooked;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(16, 4)]
    [InlineData(256, 8)]
    [InlineData(4096, 12)]
    [InlineData(100_000, 12)]
    public void The_hash_is_sized_as_dup_hash_sizes_it(int count, int bits) => Assert.Equal(bits, FtraceHash.BitsFor(count));

    [Fact]
    public void Every_ip_sits_once_in_its_hash_64_bucket_and_its_position_is_where_the_chain_has_it()
    {
        var ips = Enumerable.Range(0, 300).Select(i => 0x7F00_0000_1000UL + 64UL * (ulong)i).ToList();
        var hash = new FtraceHash(ips);
        Assert.Equal(8, hash.Bits);
        Assert.Equal(0x61C8864680B583EBUL >> 63, FtraceHash.Hash64(1, 1));
        var seen = new HashSet<int>();
        for (int b = 0; b < hash.BucketCount; b++)
        {
            var chain = hash.Chain(b);
            for (int p = 0; p < chain.Count; p++)
            {
                Assert.True(seen.Add(chain[p]));
                Assert.Equal((ulong)b, FtraceHash.Hash64(ips[chain[p]], hash.Bits));
                Assert.Equal(p, hash.ChainPosition(chain[p]));
            }
        }

        Assert.Equal(ips.Count, seen.Count);
        Assert.Contains(Enumerable.Range(0, hash.BucketCount), b => hash.Chain(b).Count > 1);    // collisions exist: the walk is exercised
    }

    [Fact]
    public void A_pass_calls_every_function_equally_often_in_a_fixed_scrambled_order()
    {
        foreach (int m in new[] { 2, 3, 16, 256, 4096 })
        {
            var pass = FootprintOrder.Pass(m);
            Assert.Equal(FootprintBudget.CallsPerPass(m), pass.Count);
            Assert.True(pass.Count >= 16);
            Assert.All(pass.GroupBy(i => i), g => Assert.Equal(pass.Count / m, g.Count()));
            Assert.Equal(pass, FootprintOrder.Pass(m));
        }

        var order = FootprintOrder.Pass(256);
        Assert.True(order.Zip(order.Skip(1)).Count(p => Math.Abs(p.First - p.Second) == 1) < 8, "neighbours in memory are rarely neighbours in time");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("min-regs")]
    [InlineData("full-regs")]
    [InlineData("direct")]
    [InlineData("direct-fexit")]
    [InlineData("direct-call")]
    public void The_driver_runs_every_body_and_every_hook_exactly_as_often_as_it_calls(string strategy)
    {
        var s = StrategyCatalog.Parse(strategy);
        using var set = FootprintSetBuilder.Emit(new HookSetOptions(s, HandlerKind.Counter, 2, CallingConvention.Host) { Instrumented = true }, 48);
        var driver = CallerHarness.Emit(set.Image, CallingConvention.Host, set.Options.Abi, 2, MeasurementMode.Throughput, CallerContext.Busy, set.PassCallees);
        set.Seal();
        set.Attach();
        set.Arena.Invoke(driver.Blob.Address, 3);
        Assert.Equal(48, driver.CallsPerIteration);
        Assert.All(set.Functions, f => Assert.Equal(3UL, set.Arena.ReadUInt64(f.Witness!.Hits.Address)));
        ulong hooked = s.Route == SiteRoute.Unpatched ? 0 : 3 * 48UL;
        if (set.Entry is AttachedHandler entry)
            Assert.Equal(hooked, set.Arena.ReadUInt64(entry.Slots.Counter.Address));
        if (set.Exit is AttachedHandler exit)
            Assert.Equal(hooked, set.Arena.ReadUInt64(exit.Slots.Counter.Address));
    }

    [Fact]
    public void Each_shape_routes_the_sites_where_it_should()
    {
        using var shared = FootprintSetBuilder.Build(Spec(StrategyCatalog.MinRegs, 16).HookSet, 16);
        using var perFunction = FootprintSetBuilder.Build(Spec(StrategyCatalog.Direct, 16).HookSet, 16);
        using var direct = FootprintSetBuilder.Build(Spec(StrategyCatalog.DirectCall, 16).HookSet, 16);
        Assert.Single(shared.Functions.Select(f => f.Destination).Distinct());
        Assert.Equal(shared.SharedTrampoline!.Address, shared.Functions[0].Destination);
        Assert.Equal(16, perFunction.Functions.Select(f => f.Destination).Distinct().Count());
        Assert.All(direct.Functions, f => Assert.Equal(direct.Entry!.Blob.Address, f.Destination));
        Assert.Equal(16, shared.Functions.Select(f => f.Seed).Distinct().Count());
        foreach (var set in new[] { shared, perFunction, direct })
        {
            set.Attach();
            Assert.All(set.Functions, f => Assert.True(f.Patcher.RoutesTo(f.Destination!.Value)));
            set.Detach();
            Assert.All(set.Functions, f => Assert.True(f.Patcher.IsOriginal));
        }
    }

    [Fact]
    public void A_pass_walk_counts_each_shapes_hook_instructions_exactly()
    {
        const int m = 256;
        CodeWalk Hooked(FootprintCode code, out CodeWalk baseline)
        {
            baseline = code.Walk();
            code.Attach();
            return code.Walk();
        }

        using (var code = FootprintCode.Prepare(Spec(StrategyCatalog.Direct, m)))
        {
            var hooked = Hooked(code, out var baseline);
            Assert.Equal(m * OneFunctionHookInstructions(StrategyCatalog.Direct), hooked.PassInstructions - baseline.PassInstructions);
            Assert.Equal(m * 7, baseline.PassInstructions);                   // nop, mov rax, seed, (imul, xor) × 2, ret
            Assert.Equal(m * code.Set.Functions[0].Trampoline!.Length + code.Set.Entry!.Blob.Length, hooked.HookCodeBytes);
            Assert.Equal(0, hooked.LookupDataBytes);
            // Branches the front end must know: the driver's call and the target's ret per function, the loop
            // branch and the driver's ret; hooked, each site's call and its trampoline's call and ret, and the handler's ret.
            Assert.Equal(2 * m + 2, baseline.PassBranches);
            Assert.Equal(3 * m + 1, hooked.PassBranches - baseline.PassBranches);
            Assert.Equal(hooked.HookCodeBytes, hooked.PassCodeBytes - baseline.PassCodeBytes);
        }

        using (var code = FootprintCode.Prepare(Spec(StrategyCatalog.DirectCall, m)))
        {
            var hooked = Hooked(code, out var baseline);
            Assert.Equal(m * OneFunctionHookInstructions(StrategyCatalog.DirectCall), hooked.PassInstructions - baseline.PassInstructions);
            Assert.Equal(code.Set.Entry!.Blob.Length, hooked.HookCodeBytes);
        }

        using (var code = FootprintCode.Prepare(Spec(StrategyCatalog.MinRegs, m)))
        {
            var hooked = Hooked(code, out var baseline);
            var hash = code.Set.Hash!;
            // Per call: the single function's hook, plus the lookup: 16 instructions and 6 per entry passed in the chain.
            int expected = code.Set.PassOrder.Sum(i => OneFunctionHookInstructions(StrategyCatalog.MinRegs) + 16 + 6 * hash.ChainPosition(i));
            Assert.Equal(expected, hooked.PassInstructions - baseline.PassInstructions);
            Assert.Equal(hash.DataBytes, hooked.LookupDataBytes);
            Assert.Equal(8 * 256 + 32 * m, hash.DataBytes);
            Assert.True(hooked.HookCodeBytes < 400, $"{hooked.HookCodeBytes} bytes");
        }
    }

    [Fact]
    public void Only_per_function_trampolines_grow_the_hook_code_with_the_number_of_functions()
    {
        int Bytes(Strategy strategy, int m)
        {
            using var code = FootprintCode.Prepare(Spec(strategy, m));
            code.Attach();
            return code.Walk().HookCodeBytes;
        }

        int direct16 = Bytes(StrategyCatalog.Direct, 16), direct256 = Bytes(StrategyCatalog.Direct, 256);
        Assert.Equal(16 * (direct16 - 1), direct256 - 1);              // 16× the trampolines, one 1-byte handler
        int shared16 = Bytes(StrategyCatalog.MinRegs, 16), shared256 = Bytes(StrategyCatalog.MinRegs, 256);
        Assert.InRange(shared256 - shared16, 0, 8);                     // at most the chain step's two instructions more
        Assert.Equal(Bytes(StrategyCatalog.DirectCall, 16), Bytes(StrategyCatalog.DirectCall, 256));
    }

    [Fact]
    public void The_largest_pieces_fit_the_per_function_budget_that_bounds_the_reach()
    {
        static int Padded(int length) => (length + 63) & ~63;
        foreach (var strategy in FootprintShapes.Supported)
        foreach (var abi in CallingConvention.All)
        foreach (var handler in HandlerKinds.All)
        {
            var options = new HookSetOptions(strategy, handler, HookSetOptions.MaxArgs, abi) { Instrumented = true };
            if (!options.TryValidate(out _))
                continue;
            using var set = FootprintSetBuilder.Emit(options, 16);
            int dataBefore = set.Image.Data.Slots.Sum(slot => 8 * slot.Count);
            Assert.All(set.Functions, f => Assert.InRange(Padded(f.Target.Length), 0, FootprintBudget.TargetBytes));
            Assert.All(set.Functions.Where(f => f.Trampoline is not null), f => Assert.InRange(Padded(f.Trampoline!.Length), 0, FootprintBudget.TrampolineBytes));
            Assert.InRange(dataBefore, 0, 16 * FootprintBudget.DataBytesPerFunction + FootprintBudget.FixedDataBytes);
            var driver = CallerHarness.Emit(set.Image, CallingConvention.Host, abi, HookSetOptions.MaxArgs, MeasurementMode.Serialized, CallerContext.Busy, set.PassCallees);
            Assert.InRange(driver.Blob.Length, 0, 16 * FootprintBudget.DriverCallBytes);
        }
    }

    [Fact]
    public void Footprint_sets_are_built_at_kernel_alignment_only()
    {
        var options = new HookSetOptions(StrategyCatalog.Direct, HandlerKind.Empty, 2, CallingConvention.Host, StackAlignment.CAbi);
        Assert.Contains("valid alignment with functions > 1: kernel", Assert.Throws<UsageException>(() => FootprintSetBuilder.Emit(options, 16)).Message);
    }
}
