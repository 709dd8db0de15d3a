namespace EdgeMicro.Cli;

/// <summary>
/// Process exit codes, the same for every command (listed in every command's --help and in the README). Codes of
/// other tools (nanoff) are reported in the message, never returned raw.
/// </summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Bad input (a file, its format or content, a model): one <c>error:</c> line naming what and where.</summary>
    public const int InputError = 1;

    /// <summary>The command line itself is wrong (unknown option, missing or out-of-range value).</summary>
    public const int UsageError = 2;

    /// <summary>A device, serial link, MQTT broker, database server or nanoff failed or could not be reached.</summary>
    public const int DeviceError = 3;

    /// <summary>A check failed: hardware-in-the-loop mismatch, a device rejected an update, a pull with gaps.</summary>
    public const int CheckFailed = 4;

    /// <summary>Unexpected internal error (a bug): one line; the stack trace with <c>--verbosity detailed</c>.</summary>
    public const int InternalError = 70;

    /// <summary>The table printed at the end of every --help.</summary>
    public const string HelpText =
        "Exit codes:\n" +
        "  0   success\n" +
        "  1   input error (a file, its format or content, a model)\n" +
        "  2   usage error (unknown option, missing or out-of-range value)\n" +
        "  3   device, serial link, MQTT broker, database server or nanoff failure\n" +
        "  4   check failed (HIL mismatch, update rejected, pull with gaps)\n" +
        "  70  internal error (please report it, with --verbosity detailed)";
}
