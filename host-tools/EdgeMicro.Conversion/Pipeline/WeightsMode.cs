namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Where convert puts the weights (<c>--weights</c>).</summary>
public enum WeightsMode
{
    /// <summary>Packed SWAR data in the weight table (one copy on the heap); the kernel is specialized to the shapes.</summary>
    Data,

    /// <summary>IL constants of the generated kernel (flash, not heap); layers it cannot compile stay data.</summary>
    Code,

    /// <summary>Dense layers' int8 rows in the weight table as they are (one byte of heap and of assembly initializer
    /// data per weight, no packed copy), read by an int8 kernel (about 6 IL per MAC instead of 2): the densest form,
    /// for models whose packed weights do not fit the heap or the assembly; Conv layers stay packed.</summary>
    Int8,
}
