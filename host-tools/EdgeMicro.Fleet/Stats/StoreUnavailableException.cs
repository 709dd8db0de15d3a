namespace EdgeMicro.Fleet.Stats;

/// <summary>The store's database server cannot be reached or refused the login (the user's environment, not a bug).</summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    public StoreUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    /// <param name="message">Message.</param>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    /// <param name="message">Message.</param>
    /// <param name="inner">Cause.</param>
    public StoreUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
