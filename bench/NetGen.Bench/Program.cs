using BenchmarkDotNet.Running;
using NetGen.Bench;

if (args.Length > 0 && args[0] == "quick")
{
    return Quick.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "breakdown")
{
    return Breakdown.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Quick).Assembly).Run(args);
return 0;
