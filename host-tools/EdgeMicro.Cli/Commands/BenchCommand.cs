using System.CommandLine;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro bench</c>: host-twin speed and exact interpreter cost of converted models.</summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand()
        : base("bench", "Benchmark converted models: host-twin inferences/s and MAC/s, executed IL instructions per MAC (generic and specialized kernels), nanoFramework code limits.")
    {
        SetAction(parse => CommandRunner.Guard(parse, () => ExitCodes.Success));
    }
}
