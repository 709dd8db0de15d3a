namespace EdgeMicro.Messaging;

/// <summary>The broker could not be reached or refused the connection (the user's environment, not a bug).</summary>
public sealed class BrokerException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="BrokerException"/> class.</summary>
    public BrokerException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BrokerException"/> class.</summary>
    /// <param name="message">Message.</param>
    public BrokerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BrokerException"/> class.</summary>
    /// <param name="message">Message.</param>
    /// <param name="inner">Cause.</param>
    public BrokerException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
