using EdgeMicro.Cli;

namespace EdgeMicro.Serial.Tests.Support;

/// <summary>Runs the edgemicro CLI in-process.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeMicroApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
