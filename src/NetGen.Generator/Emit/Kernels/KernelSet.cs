using System.Collections.Generic;

namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>The kernels one network uses, each once however many layers share its shape.</summary>
    internal sealed class KernelSet
    {
        private readonly List<IKernel> _kernels = new List<IKernel>();
        private readonly HashSet<string> _names = new HashSet<string>();

        /// <summary>Adds the kernel unless one with its name (hence its specialization) is there; returns its name.</summary>
        public string Use(IKernel kernel)
        {
            if (_names.Add(kernel.Name)) _kernels.Add(kernel);
            return kernel.Name;
        }

        public IReadOnlyList<IKernel> All => _kernels;
    }
}
