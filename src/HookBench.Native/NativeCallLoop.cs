namespace HookBench.Native;

/// <summary>
/// Calls emitted host-convention code from managed code: <paramref name="calls"/> calls of a function
/// taking <c>argCount</c> integer arguments, through <c>delegate* unmanaged[SuppressGCTransition]</c> (no
/// GC transition frame: every call is the native call itself plus the runtime's GC poll). The emitted
/// targets and hooks qualify for SuppressGCTransition: they run in nanoseconds, never block, never throw
/// and never call back into the runtime.
/// </summary>
public static unsafe class NativeCallLoop
{
    const ulong A0 = 0x101, A1 = 0x202, A2 = 0x303, A3 = 0x404, A4 = 0x505, A5 = 0x606;

    /// <summary>Independent calls with constant arguments; results are folded into a sink so none is dead.</summary>
    public static ulong Throughput(ulong entry, int argCount, int calls)
    {
        ulong sink = 0;
        switch (argCount)
        {
            case 0:
                var f0 = (delegate* unmanaged[SuppressGCTransition]<ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f0();
                break;
            case 1:
                var f1 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f1(A0);
                break;
            case 2:
                var f2 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f2(A0, A1);
                break;
            case 3:
                var f3 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f3(A0, A1, A2);
                break;
            case 4:
                var f4 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f4(A0, A1, A2, A3);
                break;
            case 5:
                var f5 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f5(A0, A1, A2, A3, A4);
                break;
            case 6:
                var f6 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    sink ^= f6(A0, A1, A2, A3, A4, A5);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(argCount), argCount, "0..6");
        }

        return sink;
    }

    /// <summary>Calls separated by <c>lfence</c>: each finishes before the next starts.</summary>
    public static ulong Serialized(ulong entry, int argCount, int calls)
    {
        ulong sink = 0;
        for (int i = 0; i < calls; i++)
        {
            sink ^= Throughput(entry, argCount, 1);
            System.Runtime.Intrinsics.X86.Sse2.LoadFence();
        }

        return sink;
    }

    /// <summary>Dependent calls: each result is the next call's first argument, so calls serialize.</summary>
    public static ulong Latency(ulong entry, int argCount, int calls)
    {
        ulong x = A0;
        switch (argCount)
        {
            case 1:
                var f1 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    x = f1(x);
                break;
            case 2:
                var f2 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    x = f2(x, A1);
                break;
            case 3:
                var f3 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    x = f3(x, A1, A2);
                break;
            case 4:
                var f4 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    x = f4(x, A1, A2, A3);
                break;
            case 5:
                var f5 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    x = f5(x, A1, A2, A3, A4);
                break;
            case 6:
                var f6 = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong, ulong, ulong>)entry;
                for (int i = 0; i < calls; i++)
                    x = f6(x, A1, A2, A3, A4, A5);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(argCount), argCount, "latency needs 1..6 arguments");
        }

        return x;
    }
}
