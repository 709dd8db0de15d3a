namespace EdgeMicro.Data;
/// <summary>
/// A user-supplied input (file, CSV cell, option value, model) is wrong. The message names what and where
/// (file, line, column) and is printed as-is by the CLI, which then exits non-zero.
/// </summary>
public sealed class InputDataException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="InputDataException"/> class.</summary>
    /// <param name="message">What is wrong and where.</param>
    public InputDataException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InputDataException"/> class.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="inner">The underlying error.</param>
    public InputDataException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
