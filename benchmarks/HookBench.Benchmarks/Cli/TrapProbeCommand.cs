using System.CommandLine;
using HookBench.Emission;
using HookBench.Native;
using HookBench.Patching;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench trap-probe [--emulator]</c> (hidden, for tests): runs an int3 that no patch put there, in
/// emitted code, with or without the int3 emulator installed in front of the runtime's SIGTRAP handler.
/// The emulator must pass that trap on, so the process ends the same way in both cases: however the .NET
/// runtime's handler ends it (SIGABRT here), not with SIGTRAP's default action and not by returning.
/// </summary>
public static class TrapProbeCommand
{
    public static Command Create(TextWriter output)
    {
        var emulator = new Option<bool>("--emulator") { Description = "Install the int3 emulator first" };
        var command = new Command("trap-probe", "Run a stray int3 in emitted code (the process is expected to die).") { emulator };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
                throw new UsageException("trap-probe needs Linux");
            using var arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
            var image = new CodeImage(arena);
            var stray = image.Emit("stray-int3", BlobKind.Harness, asm =>
            {
                asm.int3();
                asm.mov(eax, 7);
                asm.ret();
            });
            arena.Seal();
            if (parse.GetValue(emulator))
                TrapEmulator.Shared.Install();
            output.WriteLine($"SIGTRAP handler: {SignalActions.Get(SignalActions.SigTrap)}");
            output.Flush();
            output.WriteLine($"returned {arena.Invoke(stray.Address, 0)}");
            return HookBenchCli.Ok;
        });
        return command;
    }
}
