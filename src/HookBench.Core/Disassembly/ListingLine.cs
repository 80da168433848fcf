namespace HookBench.Disassembly;

/// <summary>One disassembled instruction (or data item): address, bytes and Intel-syntax text.</summary>
public sealed record ListingLine(ulong Address, byte[] Bytes, string Text, Iced.Intel.Code Code)
{
    public string BytesHex => Convert.ToHexString(Bytes);

    public override string ToString() => $"{Address:X16}  {BytesHex,-24} {Text}";
}
