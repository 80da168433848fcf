using HookBench.Abi;
using Iced.Intel;
using Xunit;

namespace HookBench.Tests.Abi;

public class CallingConventionTests
{
    [Fact]
    public void System_v_passes_six_integer_arguments_in_registers_and_keeps_a_red_zone()
    {
        var abi = CallingConvention.SysV;
        Assert.Equal([Register.RDI, Register.RSI, Register.RDX, Register.RCX, Register.R8, Register.R9], abi.ArgumentRegisters);
        Assert.Equal(128, abi.RedZoneBytes);
        Assert.Equal(0, abi.ShadowSpaceBytes);
        Assert.Equal(Register.RAX, abi.HiddenArgumentRegister);
        Assert.DoesNotContain(Register.RSI, abi.CalleeSaved);
    }

    [Fact]
    public void Microsoft_x64_passes_four_and_puts_the_fifth_above_the_shadow_space()
    {
        var abi = CallingConvention.Win64;
        Assert.Equal(4, abi.ArgumentRegisters.Count);
        Assert.Contains(Register.RSI, abi.CalleeSaved);
        Assert.Contains(Register.RDI, abi.CalleeSaved);
        Assert.Equal(ArgumentLocation.OnStack(40), abi.Argument(4));   // return address + 32 bytes of shadow space
        Assert.Equal(ArgumentLocation.OnStack(48), abi.Argument(5));
        Assert.Equal(2, abi.StackArgumentCount(6));
    }

    [Fact]
    public void Volatile_and_callee_saved_partition_the_registers_other_than_rsp()
    {
        foreach (var abi in CallingConvention.All)
        {
            var all = abi.Volatile.Concat(abi.CalleeSaved).Order().ToList();
            Assert.Equal(CallingConvention.GeneralPurposeRegisters.Where(r => r != Register.RSP).Order(), all);
            Assert.All(abi.Scratch, r => Assert.DoesNotContain(r, abi.ArgumentRegisters));
        }
    }

    [Fact]
    public void Unknown_abi_names_list_the_valid_ones() =>
        Assert.Equal("unknown ABI 'arm'; valid: sysv, win64", Assert.Throws<UsageException>(() => CallingConvention.Parse("arm")).Message);
}
