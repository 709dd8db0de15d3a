namespace EdgeMicro.Core.Device.Config
{
    /// <summary>A configuration file, manifest or command that the device cannot accept; the message says why.</summary>
    public sealed class DeviceFormatException : System.Exception
    {
        /// <summary>Initializes a new instance of the <see cref="DeviceFormatException"/> class.</summary>
        /// <param name="message">What is wrong.</param>
        public DeviceFormatException(string message)
            : base(message)
        {
        }
    }
}
