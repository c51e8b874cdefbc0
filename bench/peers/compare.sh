#!/usr/bin/env bash
# Runs NetGen's quick benchmark and the same network in Debian's python3-torch, one after the other in one run,
# and prints the epoch-time ratio. Usage: bench/peers/compare.sh [epochs]
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs="${1:-3}"
netgen=$(dotnet run -c Release --project bench/NetGen.Bench -- quick --epochs "$epochs" | tail -n 1)
# OpenBLAS 0.3.21 does not recognise this CPU and falls back to SSE3 kernels unless told the core type.
torch=$(OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Cooperlake}" OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_mlp.py --epochs "$epochs" | tail -n 1)
echo "netgen: $netgen"
echo "torch:  $torch"
/usr/bin/python3 - "$netgen" "$torch" <<'PY'
import json, sys
n, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"netgen_epoch_s": n["epoch_s"], "torch_epoch_s": t["epoch_s"],
                  "speedup": round(t["epoch_s"] / n["epoch_s"], 1), "floor_epoch_s": n["floor_epoch_s"],
                  "netgen_over_floor": n["epoch_over_floor"]}))
PY
