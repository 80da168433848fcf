using System.Reflection;
using System.Security;
using HookBench.HookSets;
using HookBench.Native;
using Xunit;

namespace HookBench.Tests.Native;

/// <summary>Unsafe code and P/Invoke live only in HookBench.Native; every other assembly is checked here.</summary>
public class UnsafeBoundaryTests
{
    static readonly Assembly NativeAssembly = typeof(CodeArena).Assembly;

    public static TheoryData<string> SafeAssemblies => new()
    {
        typeof(HookSet).Assembly.GetName().Name!,                   // HookBench.Core
        typeof(HookBench.Cli.HookBenchCli).Assembly.GetName().Name!, // hookbench
    };

        // The C# compiler marks a module compiled with /unsafe with [module: UnverifiableCode].
    static bool AllowsUnsafe(Assembly assembly) => assembly.Modules.Any(m => m.IsDefined(typeof(UnverifiableCodeAttribute)));

    static IEnumerable<MethodInfo> PInvokes(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl));

    [Theory]
    [MemberData(nameof(SafeAssemblies))]
    public void Other_assemblies_are_compiled_without_unsafe_and_declare_no_PInvoke(string name)
    {
        var assembly = Assembly.Load(name);
        Assert.False(AllowsUnsafe(assembly), $"{name} is compiled with AllowUnsafeBlocks");
        Assert.Empty(PInvokes(assembly).Select(m => $"{m.DeclaringType}.{m.Name}"));
    }

    [Fact]
    public void The_native_assembly_is_where_they_live()
    {
        Assert.True(AllowsUnsafe(NativeAssembly));
        Assert.NotEmpty(PInvokes(NativeAssembly));
        Assert.Same(NativeAssembly, typeof(UsageException).Assembly);
    }
}
