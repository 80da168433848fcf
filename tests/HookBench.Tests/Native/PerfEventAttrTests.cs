using System.Runtime.InteropServices;
using HookBench.Native.Kernel;
using Xunit;

namespace HookBench.Tests.Native;

public class PerfEventAttrTests
{
    [Fact]
    public void Perf_event_attr_has_the_kernels_ver1_layout()
    {
        // include/uapi/linux/perf_event.h: PERF_ATTR_SIZE_VER1 = 72, config1 at 56, config2 at 64.
        Assert.Equal((int)PerfEventAttr.SizeVer1, Marshal.SizeOf<PerfEventAttr>());
        Assert.Equal(56, (int)Marshal.OffsetOf<PerfEventAttr>(nameof(PerfEventAttr.Config1)));
        Assert.Equal(64, (int)Marshal.OffsetOf<PerfEventAttr>(nameof(PerfEventAttr.Config2)));
    }
}
