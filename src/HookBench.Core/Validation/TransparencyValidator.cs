using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Targets;
using Iced.Intel;

namespace HookBench.Validation;

/// <summary>
/// The proof that a hook is transparent. For one case it runs the probe unhooked, attaches, runs it
/// <see cref="HookedCalls"/> times, detaches and runs it again, then checks every promise the strategy
/// makes: return value, callee-saved registers, RSP, what reached the target's body, what the handler
/// saw, EFLAGS where promised, pt_regs fields, stack alignment at the handler, the call counts and, under
/// call-depth accounting, that the depth counter ends each call where the calls and returns the CPU
/// executed put it (plus what the trampoline documents it adds).
/// </summary>
public static class TransparencyValidator
{
    public const int HookedCalls = 3;

    public static TransparencyResult Validate(HookSetOptions options, ProbeInputs? inputs = null)
    {
        options = options with { Instrumented = true };
        inputs ??= ProbeInputs.Fixed(options.ArgCount);
        using var set = HookSetBuilder.Emit(options);
        var probe = ProbeHarness.Emit(set, CallingConvention.Host);
        set.Seal();
        return new Run(set, probe, inputs).Execute();
    }

    sealed class Run(HookSet set, ProbeHarness probe, ProbeInputs inputs)
    {
        readonly List<CheckFailure> _failures = [];
        int _checks;

        CodeArena Arena => set.Arena;
        HookSetOptions Options => set.Options;
        Strategy Strategy => Options.Strategy;
        CallingConvention Abi => Options.Abi;

        WitnessSlots TargetWitness => set.TargetWitness ?? throw new InvalidOperationException("validation builds carry a target witness");

        WitnessSlots ReplacementWitness => set.ReplacementWitness ?? throw new InvalidOperationException("redirecting validation builds carry a replacement witness");

        /// <summary>fmod_ret returned non-zero: the trampoline skips the body and returns that value.</summary>
        bool SkipsBody => Strategy.ModifiesReturn && Options.ModifiedReturn != 0;

        /// <summary>EFLAGS as the site sees them: the probe's, or under call-depth accounting what the call thunk's <c>sar</c> left.</summary>
        ulong _siteFlags;

        public TransparencyResult Execute()
        {
            LoadInputs();
            ulong expectedTarget = TargetEmitter.Reference(TargetEmitter.TargetSeed, inputs.Arguments);
            ulong expected = Strategy.Redirects ? TargetEmitter.Reference(TargetEmitter.ReplacementSeed, inputs.Arguments)
                : SkipsBody ? Options.ModifiedReturn
                : expectedTarget;

            InvokeProbe("unhooked");
            Check("unhooked return", Out(Register.RAX) == expectedTarget, $"0x{Out(Register.RAX):X} != reference 0x{expectedTarget:X}");
            _siteFlags = (Options.Profile.CallDepthAccounting ? Read(TargetWitness.Flags.Address) : inputs.Flags) & ProbeInputs.ArithmeticFlags;

            set.Attach();
            Check("site routed", set.SiteDestination is not ulong destination || set.Patcher.RoutesTo(destination),
                $"site holds {Convert.ToHexString([.. set.Patcher.CurrentBytes])} after attach, not {set.Site.Kind.Name} to its destination");
            for (int call = 0; call < HookedCalls; call++)
                InvokeProbe("hooked");
            CheckHookedCall(expected);
            CheckHandlers(expected);

            set.Detach();
            Check("site restored", set.Patcher.IsOriginal, $"site holds {Convert.ToHexString([.. set.Patcher.CurrentBytes])} after detach, not its original bytes");
            InvokeProbe("detached");
            Check("detached return", Out(Register.RAX) == expectedTarget, $"0x{Out(Register.RAX):X} != 0x{expectedTarget:X}");
            CheckCounts();
            return new TransparencyResult(Options, _checks, _failures) { HandlerEntryRspMod16 = set.Entry?.EntryRspMod16 };
        }

        /// <summary>
        /// One probe call. Under call-depth accounting the counter starts at RET_DEPTH_INIT, as after kernel entry
        /// (RESET_CALL_DEPTH), and must end where the executed calls and returns put it — one call deeper for
        /// every return-stack entry the call leaves behind, as SKIP_FRAME does — plus what the trampoline documents.
        /// </summary>
        void InvokeProbe(string when)
        {
            if (set.Thunks.DepthCounter is not DataSlot counter || !Options.Profile.CallDepthAccounting)
            {
                Arena.Invoke(probe.Blob.Address);
                return;
            }

            Arena.WriteUInt64(counter.Address, CallDepth.Init);
            Arena.Invoke(probe.Blob.Address);
            var walk = ExecutedPath.Walk(set);
            int net = 1 + walk.Calls - walk.Returns + (set.IsAttached ? set.CallDepthSurplus : 0);
            ulong want = CallDepth.After(CallDepth.Init, net);
            ulong seen = Read(counter.Address);
            Check($"call depth after the {when} call", seen == want,
                $"0x{seen:X16}, expected 0x{want:X16} ({net:+0;-0;0} calls deeper than RET_DEPTH_INIT: {walk.Calls + 1} calls, {walk.Returns} returns, documented surplus {set.CallDepthSurplus})");
        }

        void LoadInputs()
        {
            foreach (Register register in CallingConvention.GeneralPurposeRegisters)
                Arena.WriteUInt64(probe.Slots.RegistersIn[ProbeSlots.IndexOf(register)], inputs.RegisterValue(register, Abi));
            Arena.WriteUInt64(probe.Slots.FlagsIn.Address, inputs.Flags);
            for (int i = Abi.ArgumentRegisters.Count; i < inputs.Arguments.Count; i++)
                Arena.WriteUInt64(probe.Slots.StackArgumentsIn[i - Abi.ArgumentRegisters.Count], inputs.Arguments[i]);
        }

        void CheckHookedCall(ulong expected)
        {
            Check("return value", Out(Register.RAX) == expected, $"0x{Out(Register.RAX):X}, expected 0x{expected:X}");
            foreach (Register register in Abi.CalleeSaved)
            {
                ulong want = inputs.RegisterValue(register, Abi);
                Check($"callee-saved {Name(register)}", Out(register) == want, $"0x{Out(register):X}, expected 0x{want:X}");
            }

            ulong rspBefore = Read(probe.Slots.RspBeforeCall.Address);
            Check("rsp after return", Read(probe.Slots.RspOut.Address) == rspBefore, $"0x{Read(probe.Slots.RspOut.Address):X}, expected 0x{rspBefore:X}");

            WitnessSlots witness = Strategy.Redirects ? ReplacementWitness : TargetWitness;
            for (int i = 0; i < Options.ArgCount && !SkipsBody; i++)
            {
                ulong seen = Read(witness.Arguments[i]);
                Check($"target arg{i} ({Abi.Argument(i)})", seen == inputs.Arguments[i], $"body saw 0x{seen:X}, expected 0x{inputs.Arguments[i]:X}");
            }

            if (Abi.HiddenArgumentRegister != Register.None && Strategy.PreservesHiddenArgument && !SkipsBody)
            {
                ulong want = inputs.RegisterValue(Abi.HiddenArgumentRegister, Abi);
                ulong seen = Read(witness.HiddenArgument.Address);
                Check("target rax (variadic vector count)", seen == want, $"body saw 0x{seen:X}, expected 0x{want:X}");
            }

            ulong bodyRsp = Read(witness.Rsp.Address);
            if (!Strategy.CallsOriginal)
                Check("target entry rsp", bodyRsp == rspBefore - 8, $"0x{bodyRsp:X}, expected 0x{rspBefore - 8:X}");
            else if (Options.Alignment == StackAlignment.CAbi && !SkipsBody)
                Check("body entry rsp mod 16 (called from the trampoline)", bodyRsp % 16 == CallingConvention.EntryRspMod16, $"{bodyRsp % 16}, expected {CallingConvention.EntryRspMod16}");
            // call_depth_return_thunk's shlq runs after ftrace_regs_caller's popfq (create_trampoline() appends
            // jmp x86_return_thunk), so under call-depth tracking the kernel's own sequence no longer hands the
            // site's EFLAGS to the body; pt_regs->flags still holds them (checked at the handler).
            if (Strategy.PreservesFlags && Options.Profile.Return != ReturnKind.CallDepthThunk)
            {
                ulong seen = Read(witness.Flags.Address) & ProbeInputs.ArithmeticFlags;
                Check("flags at target entry", seen == _siteFlags, $"0x{seen:X}, expected 0x{_siteFlags:X}");
            }
        }

        void CheckHandlers(ulong expected)
        {
            if (set.Chain.Count > 0)
            {
                // Several callbacks: each one that must run saw what a lone handler would; the others never ran.
                foreach (var member in set.Chain.Where(m => m.Runs))
                    CheckHandler(ChainName(member), member.Handler, null, member.Owner);
                return;
            }

            if (set.Entry is AttachedHandler entry)
                CheckHandler("handler", entry, null, set.OpsPointer);
            if (set.Exit is AttachedHandler exit)
                CheckHandler("exit handler", exit, expected, set.OpsPointer);
        }

        string ChainName(ChainedHandler member) =>
            $"{(Strategy.Signature == HandlerSignature.FtraceCallback ? "op" : "program")} {member.Index}";

        void CheckHandler(string who, AttachedHandler handler, ulong? returnValue, ulong opsPointer)
        {
            var obs = handler.RequireObservation();
            var slots = handler.Slots;
            int seenMod16 = (int)(Read(obs.Rsp.Address) % 16);
            Check($"{who} entry rsp mod 16", seenMod16 == handler.EntryRspMod16, $"{seenMod16}, documented {handler.EntryRspMod16}");

            if (Options.Handler == HandlerKind.Args)
            {
                for (int i = 0; i < Options.ArgCount; i++)
                {
                    ulong seen = Read(slots.Sink[i]);
                    Check($"{who} read arg{i}", seen == inputs.Arguments[i], $"0x{seen:X}, expected 0x{inputs.Arguments[i]:X}");
                }

                if (returnValue is ulong ret)
                {
                    ulong seen = Read(slots.Sink[Options.ArgCount]);
                    Check($"{who} read return value", seen == ret, $"0x{seen:X}, expected 0x{ret:X}");
                }
            }

            if (Strategy.Signature != HandlerSignature.FtraceCallback)
                return;
            ulong rspBefore = Read(probe.Slots.RspBeforeCall.Address);
            ulong target = set.Site.Address;                     // the fentry call's address: func+4 after ENDBR
            Check($"{who} ip", Read(obs.Arguments[0]) == target, $"0x{Read(obs.Arguments[0]):X}, expected the site 0x{target:X}");
            Check($"{who} parent_ip", Read(obs.Arguments[1]) == probe.ParentIp, $"0x{Read(obs.Arguments[1]):X}, expected 0x{probe.ParentIp:X}");
            Check($"{who} ops", Read(obs.Arguments[2]) == opsPointer, $"0x{Read(obs.Arguments[2]):X}, expected 0x{opsPointer:X}");
            Check($"{who} regs->ip", Read(obs.RegsIp.Address) == set.Site.Resume, $"0x{Read(obs.RegsIp.Address):X}, expected func+{set.Site.Length} (where the body resumes)");
            Check($"{who} regs->sp", Read(obs.RegsSp.Address) == rspBefore - 8, $"0x{Read(obs.RegsSp.Address):X}, expected 0x{rspBefore - 8:X}");
            bool full = Strategy.Trampoline!.Has(Trampolines.TrampolineFlags.SaveAllRegisters);
            ulong cs = full ? PtRegs.KernelCs : 0;
            Check($"{who} regs->cs", Read(obs.RegsCs.Address) == cs, $"0x{Read(obs.RegsCs.Address):X}, expected 0x{cs:X}");
            if (Strategy.PreservesFlags)
            {
                ulong seen = Read(obs.RegsFlags.Address) & ProbeInputs.ArithmeticFlags;
                Check($"{who} regs->flags", seen == _siteFlags, $"0x{seen:X}, expected 0x{_siteFlags:X}");
            }
        }

        void CheckCounts()
        {
            // Two unhooked runs (before attach and after detach) plus the hooked ones.
            int hooked = Strategy.Route == SiteRoute.Unpatched ? 0 : HookedCalls;
            ulong targetRuns = 2 + (ulong)(Strategy.Redirects || SkipsBody ? 0 : HookedCalls);
            ulong targetHits = Read(TargetWitness.Hits.Address);
            Check("target body runs", targetHits == targetRuns, $"{targetHits}, expected {targetRuns}");
            if (set.ReplacementWitness is not null)
                Check("replacement runs", Read(set.ReplacementWitness.Hits.Address) == HookedCalls, $"{Read(set.ReplacementWitness.Hits.Address)}, expected {HookedCalls}");
            if (set.Chain.Count > 0)
            {
                // "each matching op and each program ran exactly once per call; non-matching ops never"
                foreach (var member in set.Chain)
                    CheckHandlerCounts(ChainName(member), member.Handler, member.Runs ? hooked : 0);
                CheckRuntimeState(hooked);
                return;
            }

            if (set.Entry is AttachedHandler entry)
                CheckHandlerCounts("handler", entry, hooked);
            if (set.Exit is AttachedHandler exit)
                CheckHandlerCounts("exit handler", exit, hooked);
        }

        /// <summary>The runtime's bookkeeping is balanced after the calls: every counter the hook raised is back, nothing missed.</summary>
        void CheckRuntimeState(int hooked)
        {
            if (set.Kernel is Kernel.KernelState state)
            {
                foreach (var (field, seen, want) in state.Balance(Arena))
                    Check($"{field} after the calls", seen == want, $"0x{seen:X}, expected 0x{want:X}");
            }

            bool stats = Options.Attach.Bpf.Has(Bpf.BpfSteps.Stats);
            foreach (var program in set.Programs)
            {
                ulong active = Read(program.Active.Address) & 0xFFFF_FFFF;
                Check($"program {program.Index} prog->active after the calls", active == 0, $"{active}, expected 0");
                ulong misses = Read(program.Stats.Address + Bpf.BpfProgram.StatsMissesOffset);
                Check($"program {program.Index} recursion misses", misses == 0, $"{misses}, expected 0");
                ulong count = Read(program.Stats.Address + Bpf.BpfProgram.StatsCountOffset);
                ulong want = stats ? (ulong)hooked : 0;
                Check($"program {program.Index} stats count", count == want, $"{count}, expected {want}");
                ulong time = Read(program.Stats.Address + Bpf.BpfProgram.StatsNanosecondsOffset);
                Check($"program {program.Index} stats time", stats ? time > 0 : time == 0, $"{time} TSC ticks, expected {(stats ? "some" : "none")}");
            }
        }

        void CheckHandlerCounts(string who, AttachedHandler handler, int hooked)
        {
            var obs = handler.RequireObservation();
            Check($"{who} calls", Read(obs.Hits.Address) == (ulong)hooked, $"{Read(obs.Hits.Address)}, expected {hooked}");
            ulong counted = Read(handler.Slots.Counter.Address);
            ulong want = Options.Handler == HandlerKind.Counter ? (ulong)hooked : 0;
            Check($"{who} counter", counted == want, $"{counted}, expected {want}");
        }

        ulong Out(Register register) => Read(probe.Slots.RegistersOut[ProbeSlots.IndexOf(register)]);

        ulong Read(ulong address) => Arena.ReadUInt64(address);

        static string Name(Register register) => register.ToString().ToLowerInvariant();

        void Check(string name, bool ok, string detail)
        {
            _checks++;
            if (!ok)
                _failures.Add(new CheckFailure(name, detail));
        }
    }
}
