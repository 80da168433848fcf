using HookBench.Abi;
using HookBench.Cells;
using HookBench.Emission;
using HookBench.Footprint;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Strategies;
using Iced.Intel;

namespace HookBench.Validation;

/// <summary>
/// The proof for a footprint set (M hooked functions): every function, called alone through a probe,
/// keeps the promises <see cref="TransparencyValidator"/> checks for one function (its own return value,
/// callee-saved registers, RSP, arguments and EFLAGS at its body, what the one handler saw, the handler's
/// documented alignment, and for the shared shape the hash entry the lookup matched), every call of it
/// runs its body once and its hook exactly once; then the measurement's own driver runs two passes and
/// every body and hook must have run exactly as often as the pass calls them; detaching restores every
/// site. A failing check names how many functions failed it and the first one.
/// </summary>
public static class FootprintValidator
{
    public const int HookedCalls = 2;
    public const int DriverPasses = 2;

    public static FootprintValidationResult Validate(HookSetOptions options, int functions, ProbeInputs? inputs = null) =>
        Validate(options, functions, inputs, leaveUnpatched: null);

    /// <summary>Mutation tests: <paramref name="leaveUnpatched"/> names a function whose site attach leaves a NOP.</summary>
    internal static FootprintValidationResult Validate(HookSetOptions options, int functions, ProbeInputs? inputs, int? leaveUnpatched)
    {
        options = options with { Instrumented = true };
        inputs ??= ProbeInputs.Fixed(options.ArgCount);
        using var set = FootprintSetBuilder.Emit(options, functions);
        var host = CallingConvention.Host;
        var callee = set.Image.Data.Allocate("probe.callee");
        var probe = ProbeHarness.Emit(set.Image, options.Abi, options.ArgCount, host, callee);
        var driver = CallerHarness.Emit(set.Image, host, options.Abi, options.ArgCount, MeasurementMode.Throughput, CallerContext.Unrolled, set.PassCallees);
        set.Seal();
        return new Run(set, probe, callee, driver, inputs, leaveUnpatched).Execute();
    }

    sealed class Run(FootprintSet set, ProbeHarness probe, DataSlot callee, CallerHarness driver, ProbeInputs inputs, int? leaveUnpatched)
    {
        readonly Dictionary<string, (int Count, string First)> _failed = new(StringComparer.Ordinal);
        readonly List<string> _order = [];
        int _checks;

        CodeArena Arena => set.Arena;
        HookSetOptions Options => set.Options;
        Strategy Strategy => Options.Strategy;
        CallingConvention Abi => Options.Abi;
        bool Hooked => set.Shape != FootprintShape.Unhooked;

        public FootprintValidationResult Execute()
        {
            LoadInputs();
            foreach (var f in set.Functions)
            {
                ulong rax = Call(f);
                Check("unhooked return", f, rax == Expected(f), $"0x{rax:X}, expected 0x{Expected(f):X}");
            }

            set.Attach();
            if (leaveUnpatched is int skipped)
                set.Functions[skipped].Patcher.Detach(set.Functions[skipped].Destination!.Value);
            foreach (var f in set.Functions.Where(f => f.Destination is not null && f.Index != leaveUnpatched))
                Check("site routed", f, f.Patcher.RoutesTo(f.Destination!.Value), $"site holds {Convert.ToHexString([.. f.Patcher.CurrentBytes])}");

            foreach (var f in set.Functions)
                CheckHookedCalls(f);
            CheckDriver();

            if (leaveUnpatched is int restored)
                set.Functions[restored].Patcher.Attach(set.Functions[restored].Destination!.Value);
            set.Detach();
            foreach (var f in set.Functions)
            {
                Check("site restored", f, f.Patcher.IsOriginal, $"site holds {Convert.ToHexString([.. f.Patcher.CurrentBytes])}");
                ulong rax = Call(f);
                Check("detached return", f, rax == Expected(f), $"0x{rax:X}, expected 0x{Expected(f):X}");
            }

            CheckTotals();
            var failures = _order.Select(name => new CheckFailure(name,
                $"{_failed[name].Count} of {set.Functions.Count} functions; first {_failed[name].First}")).ToList();
            return new FootprintValidationResult(Options, set.Functions.Count, _checks, failures) { HandlerEntryRspMod16 = set.Entry?.EntryRspMod16 };
        }

        ulong Expected(FootprintFunction f) => set.Reference(f.Index, inputs.Arguments);

        void LoadInputs()
        {
            foreach (Register register in CallingConvention.GeneralPurposeRegisters)
                Arena.WriteUInt64(probe.Slots.RegistersIn[ProbeSlots.IndexOf(register)], inputs.RegisterValue(register, Abi));
            Arena.WriteUInt64(probe.Slots.FlagsIn.Address, inputs.Flags);
            for (int i = Abi.ArgumentRegisters.Count; i < inputs.Arguments.Count; i++)
                Arena.WriteUInt64(probe.Slots.StackArgumentsIn[i - Abi.ArgumentRegisters.Count], inputs.Arguments[i]);
        }

        ulong Call(FootprintFunction f)
        {
            Arena.WriteUInt64(callee.Address, f.Target.Address);
            Arena.Invoke(probe.Blob.Address);
            return Out(Register.RAX);
        }

        void CheckHookedCalls(FootprintFunction f)
        {
            var witness = f.Witness!;
            ulong bodyBefore = Read(witness.Hits.Address);
            var handlersBefore = HandlerCounts();
            ulong rax = 0;
            for (int call = 0; call < HookedCalls; call++)
                rax = Call(f);

            Check("return value", f, rax == Expected(f), $"0x{rax:X}, expected 0x{Expected(f):X}");
            foreach (Register register in Abi.CalleeSaved)
            {
                ulong want = inputs.RegisterValue(register, Abi);
                Check($"callee-saved {register.ToString().ToLowerInvariant()}", f, Out(register) == want, $"0x{Out(register):X}, expected 0x{want:X}");
            }

            ulong rspBefore = Read(probe.Slots.RspBeforeCall.Address);
            Check("rsp after return", f, Read(probe.Slots.RspOut.Address) == rspBefore, $"0x{Read(probe.Slots.RspOut.Address):X}, expected 0x{rspBefore:X}");
            for (int i = 0; i < Options.ArgCount; i++)
            {
                ulong seen = Read(witness.Arguments[i]);
                Check($"body arg{i} ({Abi.Argument(i)})", f, seen == inputs.Arguments[i], $"0x{seen:X}, expected 0x{inputs.Arguments[i]:X}");
            }

            if (Abi.HiddenArgumentRegister != Register.None && Strategy.PreservesHiddenArgument)
            {
                ulong want = inputs.RegisterValue(Abi.HiddenArgumentRegister, Abi);
                Check("body rax (variadic vector count)", f, Read(witness.HiddenArgument.Address) == want, $"0x{Read(witness.HiddenArgument.Address):X}, expected 0x{want:X}");
            }

            // A trampoline that calls the original (fexit, fmod_ret) runs the body one frame below the caller.
            if (!Strategy.CallsOriginal)
                Check("body entry rsp", f, Read(witness.Rsp.Address) == rspBefore - 8, $"0x{Read(witness.Rsp.Address):X}, expected 0x{rspBefore - 8:X}");
            if (Strategy.PreservesFlags)
            {
                ulong seen = Read(witness.Flags.Address) & ProbeInputs.ArithmeticFlags;
                Check("flags at body entry", f, seen == (inputs.Flags & ProbeInputs.ArithmeticFlags), $"0x{seen:X}, expected 0x{inputs.Flags & ProbeInputs.ArithmeticFlags:X}");
            }

            ulong runs = Read(witness.Hits.Address) - bodyBefore;
            Check("body runs once per call", f, runs == HookedCalls, $"{runs} runs for {HookedCalls} calls");
            bool hooked = Hooked && f.Index != leaveUnpatched;
            var handlersAfter = HandlerCounts();
            for (int h = 0; h < handlersAfter.Count; h++)
            {
                var (who, hits, counter) = handlersAfter[h];
                ulong calls = hits - handlersBefore[h].Hits;
                ulong want = Hooked ? (ulong)HookedCalls : 0;
                Check($"{who} calls (the hook counted exactly)", f, calls == want, $"{calls} for {HookedCalls} calls");
                ulong counted = counter - handlersBefore[h].Counter;
                ulong wantCount = Options.Handler == HandlerKind.Counter ? want : 0;
                Check($"{who} counter", f, counted == wantCount, $"{counted}, expected {wantCount}");
            }

            if (hooked)
            {
                if (set.Entry is AttachedHandler entry)
                    CheckHandler(f, "handler", entry, null, rspBefore);
                if (set.Exit is AttachedHandler exit)
                    CheckHandler(f, "exit handler", exit, Expected(f), rspBefore);
            }

            if (hooked && set.LookupMatched is DataSlot matched)
            {
                ulong entry = Read(matched.Address);
                ulong ip = entry == 0 ? 0 : Read(entry + FtraceHash.EntryIp);
                Check("lookup matched the function's hash entry", f, ip == f.Site.Address, $"entry ip 0x{ip:X}, expected 0x{f.Site.Address:X}");
            }
        }

        void CheckHandler(FootprintFunction f, string who, AttachedHandler handler, ulong? returnValue, ulong rspBefore)
        {
            var obs = handler.RequireObservation();
            int seenMod16 = (int)(Read(obs.Rsp.Address) % 16);
            Check($"{who} entry rsp mod 16", f, seenMod16 == handler.EntryRspMod16, $"{seenMod16}, documented {handler.EntryRspMod16}");
            if (Options.Handler == HandlerKind.Args)
            {
                for (int i = 0; i < Options.ArgCount; i++)
                {
                    ulong seen = Read(handler.Slots.Sink[i]);
                    Check($"{who} read arg{i}", f, seen == inputs.Arguments[i], $"0x{seen:X}, expected 0x{inputs.Arguments[i]:X}");
                }

                if (returnValue is ulong ret)
                    Check($"{who} read return value", f, Read(handler.Slots.Sink[Options.ArgCount]) == ret, $"0x{Read(handler.Slots.Sink[Options.ArgCount]):X}, expected 0x{ret:X}");
            }

            if (Strategy.Signature != HandlerSignature.FtraceCallback)
                return;
            Check($"{who} ip", f, Read(obs.Arguments[0]) == f.Site.Address, $"0x{Read(obs.Arguments[0]):X}, expected 0x{f.Site.Address:X}");
            Check($"{who} parent_ip", f, Read(obs.Arguments[1]) == probe.ParentIp, $"0x{Read(obs.Arguments[1]):X}, expected 0x{probe.ParentIp:X}");
            Check($"{who} ops", f, Read(obs.Arguments[2]) == set.OpsPointer, $"0x{Read(obs.Arguments[2]):X}, expected 0x{set.OpsPointer:X}");
            Check($"{who} regs->ip", f, Read(obs.RegsIp.Address) == f.Site.Resume, $"0x{Read(obs.RegsIp.Address):X}, expected 0x{f.Site.Resume:X}");
            Check($"{who} regs->sp", f, Read(obs.RegsSp.Address) == rspBefore - 8, $"0x{Read(obs.RegsSp.Address):X}, expected 0x{rspBefore - 8:X}");
            ulong cs = Strategy.Trampoline!.Has(Trampolines.TrampolineFlags.SaveAllRegisters) ? PtRegs.KernelCs : 0;
            Check($"{who} regs->cs", f, Read(obs.RegsCs.Address) == cs, $"0x{Read(obs.RegsCs.Address):X}, expected 0x{cs:X}");
        }

        /// <summary>The measurement's driver, two passes: every body and every hook exactly as often as a pass calls it.</summary>
        void CheckDriver()
        {
            var before = set.Functions.Select(f => Read(f.Witness!.Hits.Address)).ToArray();
            var handlersBefore = HandlerCounts();
            Arena.Invoke(driver.Blob.Address, DriverPasses);
            var perPass = new int[set.Functions.Count];
            foreach (int index in set.PassOrder)
                perPass[index]++;
            foreach (var f in set.Functions)
            {
                ulong runs = Read(f.Witness!.Hits.Address) - before[f.Index];
                ulong want = (ulong)(DriverPasses * perPass[f.Index]);
                Check("driver ran the body", f, runs == want, $"{runs} runs, expected {want}");
            }

            ulong hooked = (ulong)(DriverPasses * set.PassOrder.Count(i => i != leaveUnpatched));
            var after = HandlerCounts();
            for (int h = 0; h < after.Count; h++)
            {
                ulong calls = after[h].Hits - handlersBefore[h].Hits;
                ulong want = Hooked ? (ulong)(DriverPasses * set.PassOrder.Count) : 0;
                Check($"driver: {after[h].Who} calls", null, calls == want, $"{calls}, expected {want} ({hooked} through patched sites)");
            }
        }

        /// <summary>Nothing ran that was not counted: unhooked, hooked, driver and detached calls add up per function.</summary>
        void CheckTotals()
        {
            foreach (var f in set.Functions)
            {
                int passes = DriverPasses * set.PassOrder.Count(i => i == f.Index);
                ulong want = (ulong)(2 + HookedCalls + passes);
                ulong runs = Read(f.Witness!.Hits.Address);
                Check("body runs in all", f, runs == want, $"{runs}, expected {want}");
            }
        }

        List<(string Who, ulong Hits, ulong Counter)> HandlerCounts()
        {
            var counts = new List<(string, ulong, ulong)>();
            if (set.Entry is AttachedHandler entry)
                counts.Add(("handler", Read(entry.RequireObservation().Hits.Address), Read(entry.Slots.Counter.Address)));
            if (set.Exit is AttachedHandler exit)
                counts.Add(("exit handler", Read(exit.RequireObservation().Hits.Address), Read(exit.Slots.Counter.Address)));
            return counts;
        }

        ulong Out(Register register) => Read(probe.Slots.RegistersOut[ProbeSlots.IndexOf(register)]);

        ulong Read(ulong address) => Arena.ReadUInt64(address);

        void Check(string name, FootprintFunction? f, bool ok, string detail)
        {
            _checks++;
            if (ok)
                return;
            string where = f is null ? detail : $"function {f.Index}: {detail}";
            if (_failed.TryGetValue(name, out var seen))
            {
                _failed[name] = (seen.Count + 1, seen.First);
            }
            else
            {
                _failed[name] = (1, where);
                _order.Add(name);
            }
        }
    }
}
