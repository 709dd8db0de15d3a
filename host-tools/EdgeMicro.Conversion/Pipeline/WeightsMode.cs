namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Where convert puts the weights (<c>--weights</c>).</summary>
public enum WeightsMode
{
    /// <summary>Packed SWAR data in the weight table (one copy on the heap); the kernel is specialized to the shapes.</summary>
    Data,

    /// <summary>IL constants of the generated kernel (flash, not heap); layers it cannot compile stay data.</summary>
    Code,
}
