namespace EdgeMicro.Mqtt;

/// <summary>
/// The single exception type of this library for protocol errors, refused connections, timeouts and lost connections.
/// Invalid arguments (bad topic names, QoS 2, ...) raise the usual <see cref="ArgumentException"/> instead.
/// </summary>
public sealed class MqttException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">Human-readable description.</param>
    /// <param name="innerException">Underlying cause, if any.</param>
    public MqttException(MqttErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    private MqttException(MqttConnectReturnCode code)
        : base(DescribeRefusal(code))
    {
        Kind = MqttErrorKind.ConnectionRefused;
        ConnectReturnCode = code;
    }

    /// <summary>What went wrong.</summary>
    public MqttErrorKind Kind { get; }

    /// <summary>The CONNACK return code when <see cref="Kind"/> is <see cref="MqttErrorKind.ConnectionRefused"/>.</summary>
    public MqttConnectReturnCode? ConnectReturnCode { get; }

    /// <summary>Creates the exception for a CONNACK that refused the connection (section 3.2.2.3).</summary>
    /// <param name="code">The non-zero return code sent by the broker.</param>
    /// <returns>An exception whose message explains the return code.</returns>
    public static MqttException ConnectionRefused(MqttConnectReturnCode code) => new(code);

    /// <summary>Shorthand for a malformed-packet error.</summary>
    internal static MqttException Malformed(string message) => new(MqttErrorKind.MalformedPacket, message);

    /// <summary>Shorthand for a protocol-violation error.</summary>
    internal static MqttException Violation(string message) => new(MqttErrorKind.ProtocolViolation, message);

    private static string DescribeRefusal(MqttConnectReturnCode code) => code switch
    {
        MqttConnectReturnCode.UnacceptableProtocolVersion =>
            "Connection refused by the broker (CONNACK 0x01): unacceptable protocol version, the broker does not support MQTT 3.1.1.",
        MqttConnectReturnCode.IdentifierRejected =>
            "Connection refused by the broker (CONNACK 0x02): client identifier rejected (empty ids need CleanSession = true).",
        MqttConnectReturnCode.ServerUnavailable =>
            "Connection refused by the broker (CONNACK 0x03): server unavailable.",
        MqttConnectReturnCode.BadUsernameOrPassword =>
            "Connection refused by the broker (CONNACK 0x04): bad user name or password.",
        MqttConnectReturnCode.NotAuthorized =>
            "Connection refused by the broker (CONNACK 0x05): not authorized.",
        _ => $"Connection refused by the broker: unknown CONNACK return code 0x{(byte)code:X2}.",
    };
}
