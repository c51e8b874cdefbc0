using NetGen.Data;

namespace NetGen.Samples.Tests;

/// <summary>
/// A fact that needs the full Fashion-MNIST under <see cref="FashionMnist.DefaultDirectory"/> and takes minutes: it runs
/// only when the environment variable <c>NETGEN_SLOW_TESTS</c> is <c>1</c>, and is reported as skipped, with the
/// reason, otherwise (xunit 2 has no dynamic skip).
/// </summary>
public sealed class RequiresSlowTestsFactAttribute : FactAttribute
{
    /// <summary>The environment variable that turns slow tests on.</summary>
    public const string Variable = "NETGEN_SLOW_TESTS";

    public const string SkipReason = "Slow test (minutes): set NETGEN_SLOW_TESTS=1 to run it";

    public RequiresSlowTestsFactAttribute()
    {
        if (!FashionMnist.IsPresent(FashionMnist.DefaultDirectory)) Skip = RequiresFashionMnistFactAttribute.SkipReason;
        else if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = SkipReason;
    }
}
