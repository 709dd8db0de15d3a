namespace EdgeMicro.Serial;

/// <summary>The serial link to a device failed: no valid response after all retries, or the device answered with
/// an error. The message says which request, on which port, and what was seen.</summary>
public class DeviceLinkException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DeviceLinkException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public DeviceLinkException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeviceLinkException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="inner">Cause.</param>
    public DeviceLinkException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>The device answered a request with an ERROR frame.</summary>
public sealed class DeviceErrorException : DeviceLinkException
{
    /// <summary>Initializes a new instance of the <see cref="DeviceErrorException"/> class.</summary>
    /// <param name="code">The device's error code (EdgeMicro.Core.Protocol.ErrorCode).</param>
    /// <param name="message">What failed.</param>
    public DeviceErrorException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Gets the device's error code.</summary>
    public int Code { get; }
}
