using NetGen.Generator.Emit;
using System.Collections.Generic;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// The per-step gate arithmetic of each recurrent cell, forward and backward, as element-wise kernels over one
    /// sample's <c>Units</c> values (the matrix products around them are <see cref="GemmKernel"/>s). Every body loads
    /// all it reads before it stores, so inference may pass the same buffer as previous and new state.
    /// </summary>
    internal static class RecurrentCells
    {
        /// <summary>The forward step: gates from pre-activations, new state; its call arguments are documented per cell.</summary>
        public static ElementwiseKernel Forward(RecurrentLayerPlan layer)
        {
            int u = layer.Units;
            switch (layer.Cell)
            {
                case RecurrentKind.Lstm:
                    return new ElementwiseKernel(
                        $"LstmForward_{u}",
                        $"One LSTM step of one sample: z [4×{u}] pre-activations (i, f, c, o) become the gates; c = f⊙cPrev + i⊙g, tc = tanh(c), h = o⊙tc.",
                        "ref float z, ref float cPrev, ref float c, ref float tc, ref float h",
                        "ref z, ref cPrev, ref c, ref tc, ref h",
                        u,
                        (isa, i) => LstmForwardBody(isa, i, u));
                case RecurrentKind.Gru:
                    return new ElementwiseKernel(
                        $"GruForward_{u}",
                        $"One GRU step of one sample: x-side pre-activations zx [3×{u}] (z, r, h) and h-side rh [3×{u}] become z, r and the candidate n (stored in zx); h = z⊙hPrev + (1 − z)⊙n.",
                        "ref float zx, ref float rh, ref float hPrev, ref float h",
                        "ref zx, ref rh, ref hPrev, ref h",
                        u,
                        (isa, i) => GruForwardBody(isa, i, u));
                default:
                    string act = Activations.KernelName(layer.CellActivation);
                    return new ElementwiseKernel(
                        $"SimpleRnnForward_{u}_{act}",
                        $"One SimpleRNN step of one sample: h = {act}(z) for z [{u}].",
                        "ref float z, ref float h",
                        "ref z, ref h",
                        u,
                        (isa, i) => new[] { isa.Store(Activate(isa, layer.CellActivation, isa.Load("z", i)), "h", i) });
            }
        }

        /// <summary>
        /// The backward step of one sample: from ∂L/∂h (dh, the later steps' share, plus dOut, this step's output
        /// gradient) to the gates' gradients; dh is left holding the part of ∂L/∂hPrev that bypasses the recurrent
        /// weights (GRU's z⊙dh; zero otherwise), to which the caller's matrix product adds the rest.
        /// </summary>
        public static ElementwiseKernel Backward(RecurrentLayerPlan layer)
        {
            int u = layer.Units;
            switch (layer.Cell)
            {
                case RecurrentKind.Lstm:
                    return new ElementwiseKernel(
                        $"LstmBackward_{u}",
                        $"LSTM step backward of one sample: gates z [4×{u}], cPrev, tc = tanh(c); dh + dOut = ∂L/∂h; dc carries ∂L/∂c backwards in place; writes dz [4×{u}].",
                        "ref float z, ref float cPrev, ref float tc, ref float dOut, ref float dh, ref float dc, ref float dz",
                        "ref z, ref cPrev, ref tc, ref dOut, ref dh, ref dc, ref dz",
                        u,
                        (isa, i) => LstmBackwardBody(isa, i, u));
                case RecurrentKind.Gru:
                    return new ElementwiseKernel(
                        $"GruBackward_{u}",
                        $"GRU step backward of one sample: gates zx [3×{u}] (z, r, n), h-side pre-activations rh; dh + dOut = ∂L/∂h; writes dzx and drh [3×{u}] and leaves z⊙∂L/∂h in dh.",
                        "ref float zx, ref float rh, ref float hPrev, ref float dOut, ref float dh, ref float dzx, ref float drh",
                        "ref zx, ref rh, ref hPrev, ref dOut, ref dh, ref dzx, ref drh",
                        u,
                        (isa, i) => GruBackwardBody(isa, i, u));
                default:
                    string act = Activations.KernelName(layer.CellActivation);
                    return new ElementwiseKernel(
                        $"SimpleRnnBackward_{u}_{act}",
                        $"SimpleRNN step backward of one sample: dz = {act}′(h) ⊙ (dh + dOut) for h [{u}]; clears dh.",
                        "ref float h, ref float dOut, ref float dh, ref float dz",
                        "ref h, ref dOut, ref dh, ref dz",
                        u,
                        (isa, i) => SimpleRnnBackwardBody(isa, i, layer.CellActivation));
            }
        }

        private static string Activate(Isa isa, ActivationKind activation, string value) =>
            activation == ActivationKind.Linear ? value : $"VectorMath.{Activations.KernelName(activation)}({value})";

        private static string Sigmoid(string value) => $"VectorMath.Sigmoid({value})";

        private static string Tanh(string value) => $"VectorMath.Tanh({value})";

        private static string At(string i, int offset) => offset == 0 ? i : $"{i} + {offset}";

        private static IEnumerable<string> LstmForwardBody(Isa isa, string i, int u)
        {
            yield return $"var ig = {Sigmoid(isa.Load("z", i))};";
            yield return $"var fg = {Sigmoid(isa.Load("z", At(i, u)))};";
            yield return $"var gg = {Tanh(isa.Load("z", At(i, 2 * u)))};";
            yield return $"var og = {Sigmoid(isa.Load("z", At(i, 3 * u)))};";
            yield return $"var cn = fg * {isa.Load("cPrev", i)} + ig * gg;";
            yield return $"var tcn = {Tanh("cn")};";
            yield return isa.Store("ig", "z", i);
            yield return isa.Store("fg", "z", At(i, u));
            yield return isa.Store("gg", "z", At(i, 2 * u));
            yield return isa.Store("og", "z", At(i, 3 * u));
            yield return isa.Store("cn", "c", i);
            yield return isa.Store("tcn", "tc", i);
            yield return isa.Store("og * tcn", "h", i);
        }

        private static IEnumerable<string> LstmBackwardBody(Isa isa, string i, int u)
        {
            string one = isa.One;
            yield return $"var ig = {isa.Load("z", i)};";
            yield return $"var fg = {isa.Load("z", At(i, u))};";
            yield return $"var gg = {isa.Load("z", At(i, 2 * u))};";
            yield return $"var og = {isa.Load("z", At(i, 3 * u))};";
            yield return $"var tcv = {isa.Load("tc", i)};";
            yield return $"var dhv = {isa.Load("dh", i)} + {isa.Load("dOut", i)};";
            yield return $"var dcv = {isa.Load("dc", i)} + dhv * og * ({one} - tcv * tcv);";
            yield return isa.Store($"dcv * gg * ig * ({one} - ig)", "dz", i);
            yield return isa.Store($"dcv * {isa.Load("cPrev", i)} * fg * ({one} - fg)", "dz", At(i, u));
            yield return isa.Store($"dcv * ig * ({one} - gg * gg)", "dz", At(i, 2 * u));
            yield return isa.Store($"dhv * tcv * og * ({one} - og)", "dz", At(i, 3 * u));
            yield return isa.Store("dcv * fg", "dc", i);
            yield return isa.Store(isa.Zero, "dh", i);
        }

        private static IEnumerable<string> GruForwardBody(Isa isa, string i, int u)
        {
            yield return $"var zg = {Sigmoid($"{isa.Load("zx", i)} + {isa.Load("rh", i)}")};";
            yield return $"var rg = {Sigmoid($"{isa.Load("zx", At(i, u))} + {isa.Load("rh", At(i, u))}")};";
            yield return $"var ng = {Tanh($"{isa.Load("zx", At(i, 2 * u))} + rg * {isa.Load("rh", At(i, 2 * u))}")};";
            yield return $"var hp = {isa.Load("hPrev", i)};";
            yield return isa.Store("zg", "zx", i);
            yield return isa.Store("rg", "zx", At(i, u));
            yield return isa.Store("ng", "zx", At(i, 2 * u));
            yield return isa.Store("ng + zg * (hp - ng)", "h", i);
        }

        private static IEnumerable<string> GruBackwardBody(Isa isa, string i, int u)
        {
            string one = isa.One;
            yield return $"var zg = {isa.Load("zx", i)};";
            yield return $"var rg = {isa.Load("zx", At(i, u))};";
            yield return $"var ng = {isa.Load("zx", At(i, 2 * u))};";
            yield return $"var hn = {isa.Load("rh", At(i, 2 * u))};";
            yield return $"var dhv = {isa.Load("dh", i)} + {isa.Load("dOut", i)};";
            yield return $"var dzz = dhv * ({isa.Load("hPrev", i)} - ng) * zg * ({one} - zg);";
            yield return $"var dzn = dhv * ({one} - zg) * ({one} - ng * ng);";
            yield return $"var dzr = dzn * hn * rg * ({one} - rg);";
            yield return isa.Store("dzz", "dzx", i);
            yield return isa.Store("dzr", "dzx", At(i, u));
            yield return isa.Store("dzn", "dzx", At(i, 2 * u));
            yield return isa.Store("dzz", "drh", i);
            yield return isa.Store("dzr", "drh", At(i, u));
            yield return isa.Store("dzn * rg", "drh", At(i, 2 * u));
            yield return isa.Store("dhv * zg", "dh", i);
        }

        private static IEnumerable<string> SimpleRnnBackwardBody(Isa isa, string i, ActivationKind activation)
        {
            yield return $"var dhv = {isa.Load("dh", i)} + {isa.Load("dOut", i)};";
            yield return isa.Store(activation == ActivationKind.Linear
                ? "dhv"
                : $"VectorMath.{Activations.KernelName(activation)}Backward(dhv, {isa.Load("h", i)})", "dz", i);
            yield return isa.Store(isa.Zero, "dh", i);
        }
    }
}
