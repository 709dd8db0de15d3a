namespace EdgeMicro.Cli;

/// <summary>Process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Bad input (file, CSV, option, model): one clear message on stderr.</summary>
    public const int InputError = 1;

    /// <summary>A check failed (e.g. a hardware-in-the-loop mismatch).</summary>
    public const int CheckFailed = 2;

    /// <summary>Unexpected internal error (a bug): message and stack trace on stderr.</summary>
    public const int InternalError = 70;
}
