namespace EdgeMicro.IlCounting;

/// <summary>
/// Code compiled into the same device assembly as the code being analysed, counted against the per-assembly totals of
/// <see cref="NanoFrameworkLimits"/> (e.g. the firmware app beside a generated weight table and kernel).
/// </summary>
/// <param name="Name">What it is, for messages (e.g. "the firmware app").</param>
/// <param name="IlBytes">Its method-body IL bytes.</param>
/// <param name="InitializerDataBytes">Its array-initializer data bytes.</param>
public sealed record AssemblyShare(string Name, int IlBytes, int InitializerDataBytes);
