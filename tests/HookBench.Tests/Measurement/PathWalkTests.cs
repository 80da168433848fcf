using HookBench.Emission;
using HookBench.Measurement;
using HookBench.Native;
using Iced.Intel;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Tests.Measurement;

/// <summary>The executed-path walk follows control flow through loops and branches the build describes.</summary>
public class PathWalkTests
{
    static (CodeArena Arena, EmittedBlob Blob, PathFacts Facts) Emit(Func<Assembler, IEnumerable<PathFact>> build)
    {
        var arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
        var image = new CodeImage(arena);
        IEnumerable<PathFact> facts = [];
        var blob = image.Emit("walked", BlobKind.Harness, asm => { facts = build(asm); });
        arena.Seal();
        var resolved = new PathFacts();
        resolved.Add(blob, facts);
        return (arena, blob, resolved);
    }

    [Fact]
    public void A_loop_with_a_known_trip_count_is_counted_exactly()
    {
        const int trips = 5;
        var (arena, blob, facts) = Emit(asm =>
        {
            var top = asm.CreateLabel("top");
            var branch = asm.CreateLabel("branch");
            asm.mov(ecx, trips);                  // 1
            asm.Label(ref top);
            asm.add(rax, 1);                      // trips
            asm.dec(ecx);                         // trips
            asm.Label(ref branch);
            asm.jnz(top);                         // trips
            asm.ret();                            // 1
            return [new BranchFact(branch, [.. Enumerable.Repeat(true, trips - 1), false])];
        });
        using (arena)
            Assert.Equal(2 + 3 * trips, ExecutedPath.Walk(arena, blob.Address, facts).Instructions);
    }

    [Fact]
    public void Facts_that_disagree_on_how_often_a_loop_runs_are_an_error()
    {
        var (arena, blob, facts) = Emit(asm =>
        {
            var top = asm.CreateLabel("top");
            var skip = asm.CreateLabel("skip");
            var inner = asm.CreateLabel("inner");
            var branch = asm.CreateLabel("branch");
            asm.mov(ecx, 3);
            asm.Label(ref top);
            asm.test(eax, eax);
            asm.Label(ref inner);
            asm.jnz(skip);
            asm.nop();
            asm.Label(ref skip);
            asm.dec(ecx);
            asm.Label(ref branch);
            asm.jnz(top);
            asm.ret();
            // The loop's fact says three trips, the branch inside it four: one of them describes another loop.
            return [new BranchFact(branch, [true, true, false]), new BranchFact(inner, [false, false, false, false])];
        });
        using (arena)
        {
            var error = Assert.Throws<InvalidOperationException>(() => ExecutedPath.Walk(arena, blob.Address, facts));
            Assert.Contains("returned before its path facts ran out", error.Message);
            Assert.Contains("ran 3 times; its path fact lists 4", error.Message);
        }
    }

    [Fact]
    public void A_branch_nobody_described_is_an_error_not_a_guess()
    {
        var (arena, blob, facts) = Emit(asm =>
        {
            var skip = asm.CreateLabel("skip");
            asm.test(rax, rax);
            asm.jz(skip);
            asm.nop();
            asm.Label(ref skip);
            asm.ret();
            return [];
        });
        using (arena)
        {
            var error = Assert.Throws<InvalidOperationException>(() => ExecutedPath.Walk(arena, blob.Address, facts));
            Assert.Contains("conditional branch", error.Message);
        }
    }

    [Fact]
    public void Indirect_calls_go_where_the_facts_say_and_a_trap_ends_the_static_count()
    {
        using var arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
        var image = new CodeImage(arena);
        var callee = image.Emit("callee", BlobKind.Handler, asm =>
        {
            asm.nop();                            // 3
            asm.ret();                            // 4
        });
        IEnumerable<PathFact> pinned = [];
        var caller = image.Emit("caller", BlobKind.Harness, asm =>
        {
            var call = asm.CreateLabel("call");
            var trap = asm.CreateLabel("trap");
            asm.mov(rax, callee.Address);         // 1
            asm.Label(ref call);
            asm.call(rax);                        // 2
            asm.Label(ref trap);
            asm.int3();                           // the kernel runs from here: not countable
            asm.ret();
            pinned = [new TransferFact(call, [callee.Address]), new NotStaticFact(trap, "uprobe trap")];
        });
        arena.Seal();
        var facts = new PathFacts();
        facts.Add(caller, pinned);

        var walk = ExecutedPath.Walk(arena, caller.Address, facts);
        Assert.Equal(4, walk.Instructions);
        Assert.False(walk.IsStatic);
        Assert.Equal("uprobe trap", walk.NotStatic);

        var undescribed = Assert.Throws<InvalidOperationException>(() => ExecutedPath.Walk(arena, caller.Address, PathFacts.Empty));
        Assert.Contains("no path fact names its destination", undescribed.Message);
    }

    [Fact]
    public void Dropped_and_overwritten_return_addresses_and_repeating_branches_are_followed()
    {
        using var arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
        var image = new CodeImage(arena);
        var landing = image.Emit("landing", BlobKind.Handler, asm =>
        {
            asm.nop();
            asm.ret();                                         // back to the walk's caller
        });
        IEnumerable<PathFact> pinned = [];
        var walked = image.Emit("walked", BlobKind.Harness, asm =>
        {
            var rop = asm.CreateLabel("rop");
            var safe = asm.CreateLabel("safe");
            var test = asm.CreateLabel("test");
            var never = asm.CreateLabel("never");
            asm.call(rop);                                     // 1  push (A)
            asm.int3();
            asm.Label(ref rop);
            asm.mov(__qword_ptr[rsp], rax);                    // 2  A -> landing
            asm.call(safe);                                    // 3  push (B)
            asm.ud2();
            asm.Label(ref safe);
            asm.lea(rsp, __[rsp + 8]);                         // 4  drop B
            asm.test(rax, rax);                                // 5
            asm.Label(ref test);
            asm.jz(never);                                     // 6  never taken, however often
            asm.ret();                                         // 7  pops A: landing (8, 9)
            asm.Label(ref never);
            asm.int3();
            pinned = [new ReturnSlotFact(rop, [landing.Address]), new StackDropFact(safe, 1), new RepeatingBranchFact(test, false, "test")];
        });
        arena.Seal();
        var facts = new PathFacts();
        facts.Add(walked, pinned);

        var walk = ExecutedPath.Walk(arena, walked.Address, facts);
        Assert.Equal(9, walk.Instructions);
        Assert.Equal(2, walk.Calls);
        Assert.Equal(2, walk.Returns);
    }

    [Fact]
    public void A_drop_with_nothing_pushed_is_an_error()
    {
        var (arena, blob, facts) = Emit(asm =>
        {
            var drop = asm.CreateLabel("drop");
            asm.Label(ref drop);
            asm.add(rsp, 8);
            asm.ret();
            return [new StackDropFact(drop, 1)];
        });
        using (arena)
        {
            var error = Assert.Throws<InvalidOperationException>(() => ExecutedPath.Walk(arena, blob.Address, facts));
            Assert.Contains("never saw pushed", error.Message);
        }
    }
}
