using System.CommandLine;
using EdgeMicro.Cli;

return EdgeMicroApp.Run(args, Console.Out, Console.Error);
