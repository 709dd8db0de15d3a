namespace EdgeMicro.Data;

/// <summary>
/// A check the user asked for did not pass (the device does not report the model just flashed, a device rejected
/// an update): not bad input, not a broken link. Commands exit with their "check failed" code.
/// </summary>
public sealed class VerificationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="VerificationException"/> class.</summary>
    /// <param name="message">What did not match, and what was seen instead.</param>
    public VerificationException(string message)
        : base(message)
    {
    }
}
