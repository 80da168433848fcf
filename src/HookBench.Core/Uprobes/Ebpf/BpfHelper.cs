namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// Kernel helper functions a program calls by number (include/uapi/linux/bpf.h, enum bpf_func_id;
/// the numbers are ABI and never change).
/// </summary>
public enum BpfHelper
{
    /// <summary><c>void *bpf_map_lookup_elem(map, key)</c>: the value's address, or NULL.</summary>
    MapLookupElem = 1,

    /// <summary><c>long bpf_map_update_elem(map, key, value, flags)</c>.</summary>
    MapUpdateElem = 2,

    /// <summary><c>u64 bpf_ktime_get_ns(void)</c>.</summary>
    KtimeGetNs = 5,
}
