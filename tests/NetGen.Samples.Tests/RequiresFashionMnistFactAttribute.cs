using NetGen.Data;

namespace NetGen.Samples.Tests;

/// <summary>
/// A fact that needs the full Fashion-MNIST under <see cref="FashionMnist.DefaultDirectory"/>; reported as skipped,
/// with the reason, when it is not installed (xunit 2 has no dynamic skip).
/// </summary>
public sealed class RequiresFashionMnistFactAttribute : FactAttribute
{
    public const string SkipReason = "Full Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)";

    public RequiresFashionMnistFactAttribute()
    {
        if (!FashionMnist.IsPresent(FashionMnist.DefaultDirectory)) Skip = SkipReason;
    }
}
