namespace HookBench.Emission;

/// <summary>
/// The <see cref="PathFact"/>s of a hook set, resolved to addresses once its blobs are assembled; the
/// executed-path walk consults them wherever the code alone does not say where control goes.
/// </summary>
public sealed class PathFacts
{
    /// <summary>A transfer destination meaning "back to the target's caller": the walk of one call ends there.</summary>
    public const ulong ReturnToCaller = 0;

    readonly Dictionary<ulong, IReadOnlyList<bool>> _branches = [];
    readonly Dictionary<ulong, IReadOnlyList<ulong>> _transfers = [];
    readonly Dictionary<ulong, string> _notStatic = [];
    readonly Dictionary<ulong, bool> _repeating = [];
    readonly Dictionary<ulong, int> _drops = [];
    readonly Dictionary<ulong, IReadOnlyList<ulong>> _slots = [];

    public static PathFacts Empty => new();

    /// <summary>Adds the facts a builder pinned to labels of <paramref name="blob"/>.</summary>
    public void Add(EmittedBlob blob, IEnumerable<PathFact> facts)
    {
        foreach (PathFact fact in facts)
        {
            ulong at = blob.LabelAddress(fact.At);
            switch (fact)
            {
                case BranchFact branch:
                    _branches.Add(at, branch.Taken);
                    break;
                case TransferFact transfer:
                    _transfers.Add(at, transfer.Destinations);
                    break;
                case NotStaticFact notStatic:
                    _notStatic.Add(at, notStatic.Reason);
                    break;
                case RepeatingBranchFact repeating:
                    _repeating.Add(at, repeating.Taken);
                    break;
                case StackDropFact drop:
                    _drops.Add(at, drop.Entries);
                    break;
                case ReturnSlotFact slot:
                    _slots.Add(at, slot.Destinations);
                    break;
            }
        }
    }

    /// <summary>A cursor that hands out each fact's outcomes in order, for one walk.</summary>
    public Cursor Walk() => new(this);

    public sealed class Cursor(PathFacts facts)
    {
        readonly Dictionary<ulong, int> _used = [];

        public string? NotStaticAt(ulong address) => facts._notStatic.GetValueOrDefault(address);

        public bool Taken(ulong address) =>
            facts._repeating.TryGetValue(address, out bool always)
                ? always
                : Next(facts._branches, address, "conditional branch", "no outcome is known");

        /// <summary>How many return addresses the instruction at <paramref name="address"/> discards (0 for most).</summary>
        public int DroppedAt(ulong address) => facts._drops.GetValueOrDefault(address);

        /// <summary>Whether the instruction at <paramref name="address"/> overwrites the return slot, and with what this time.</summary>
        public bool TryReturnSlot(ulong address, out ulong destination)
        {
            destination = 0;
            if (!facts._slots.ContainsKey(address))
                return false;
            destination = Next(facts._slots, address, "return-slot store", "no destination is known");
            return true;
        }

        public bool TryTransfer(ulong address, out ulong destination)
        {
            destination = 0;
            if (!facts._transfers.ContainsKey(address))
                return false;
            destination = Next(facts._transfers, address, "transfer", "no destination is known");
            return true;
        }

        /// <summary>
        /// Facts the walk used but did not use up: a branch, transfer or return-slot store that ran fewer times than
        /// its fact lists (the builder described a loop that is not the one it emitted). Facts the walk never reached are fine: that code was not on the path.
        /// </summary>
        public IEnumerable<string> Unfinished()
        {
            foreach (var (address, used) in _used)
            {
                int listed = facts._branches.TryGetValue(address, out var taken) ? taken.Count
                    : facts._transfers.TryGetValue(address, out var destinations) ? destinations.Count
                    : facts._slots.TryGetValue(address, out var slotDestinations) ? slotDestinations.Count
                    : used;
                if (used < listed)
                    yield return $"0x{address:X} ran {used} times; its path fact lists {listed}";
            }
        }

        T Next<T>(Dictionary<ulong, IReadOnlyList<T>> table, ulong address, string what, string missing)
        {
            if (!table.TryGetValue(address, out var outcomes))
                throw new InvalidOperationException($"{what} at 0x{address:X}: {missing}; the builder must record a path fact for it");
            int used = _used.GetValueOrDefault(address);
            if (used >= outcomes.Count)
                throw new InvalidOperationException($"{what} at 0x{address:X} ran {used + 1} times; its path fact lists {outcomes.Count}");
            _used[address] = used + 1;
            return outcomes[used];
        }
    }
}
