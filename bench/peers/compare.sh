#!/usr/bin/env bash
# Runs NetGen and the same network in Debian's python3-torch, one after the other in one run, one thread each, and
# prints the epoch-time ratio.
#   bench/peers/compare.sh [epochs]         the seed MLP: NetGen's quick benchmark vs bench/peers/torch_mlp.py (default 3 epochs)
#   bench/peers/compare.sh lenet [epochs]   LeNet-5: the Fashion-MNIST sample (--model lenet --json --threads 1) vs
#                                           bench/peers/torch_lenet.py (default 1 epoch), on the full Fashion-MNIST
#   bench/peers/compare.sh resnet [epochs] [limit]
#                                           the residual CNN with batch normalization: the sample's --model resnet vs
#                                           bench/peers/torch_resnet.py (default 1 epoch; limit: the first N training images)
#   bench/peers/compare.sh rnn lstm|gru [epochs] [limit]
#                                           Fashion-MNIST read row by row: the sample's --model lstm|gru vs
#                                           bench/peers/torch_rnn.py (default 1 epoch; limit: the first N training images)
#   bench/peers/compare.sh langid gru|lstm [epochs]
#                                           language identification: samples/LanguageId vs bench/peers/torch_langid.py
#                                           on the split the sample exports (--export), default 2 epochs
set -euo pipefail
cd "$(dirname "$0")/../.."
# OpenBLAS 0.3.21 does not recognise this CPU and falls back to SSE3 kernels unless told the core type. Cooperlake
# gives its AVX-512 kernels (the fair peer). Set here, not taken from OPENBLAS_CORETYPE: this machine's environment
# exports OPENBLAS_CORETYPE=Haswell (AVX2) for everything; PEER_OPENBLAS_CORETYPE chooses another one on purpose.
export OPENBLAS_CORETYPE="${PEER_OPENBLAS_CORETYPE:-Cooperlake}" OMP_NUM_THREADS=1

if [[ "${1:-}" == "lenet" || "${1:-}" == "resnet" ]]; then
  model="$1"
  epochs="${2:-1}"
  limit=()
  [[ "$model" == "resnet" && -n "${3:-}" ]] && limit=(--limit "$3")
  data="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
  # --data, not the sample's fallback to the subset: both sides must train on the full set.
  netgen=$(dotnet run -c Release --project samples/FashionMnist -- --model "$model" --json --threads 1 --no-plots \
             --epochs "$epochs" --data "$data" "${limit[@]}" | tail -n 1)
  torch=$(/usr/bin/python3 "bench/peers/torch_$model.py" --epochs "$epochs" --data "$data" "${limit[@]}" | tail -n 1)
  /usr/bin/python3 - "$netgen" "$torch" <<'PY'
import json, statistics, sys
n, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
n_epoch_s = statistics.median(n["epoch_seconds"])
print("netgen: " + json.dumps({"model": n["model"], "threads": n["threads"], "epoch_s": n_epoch_s,
                               "epoch_seconds": n["epoch_seconds"], "test_accuracy": n["test_accuracy"], "epochs": n["epochs"]}))
print("torch:  " + json.dumps(t))
print(json.dumps({"network": n["model"], "epochs": n["epochs"], "netgen_epoch_s": round(n_epoch_s, 3),
                  "torch_epoch_s": round(t["epoch_s"], 3), "speedup": round(t["epoch_s"] / n_epoch_s, 2),
                  "netgen_test_accuracy": n["test_accuracy"], "torch_test_accuracy": t["test_accuracy"]}))
PY
  exit 0
fi

# Both sides' last JSON lines, side by side, and the epoch-time ratio: compare NAME NETGEN_JSON TORCH_JSON
compare() {
  /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import json, statistics, sys
name, n, t = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
n_epoch_s = statistics.median(n["epoch_seconds"])
keep = ("test_accuracy", "macro_f1")
print("netgen: " + json.dumps({"model": n["model"], "threads": n["threads"], "epoch_s": n_epoch_s, "epoch_seconds": n["epoch_seconds"],
                               "epochs": n["epochs"], "train_samples": n["train_samples"], **{k: n[k] for k in keep if k in n}}))
print("torch:  " + json.dumps(t))
summary = {"network": name, "epochs": n["epochs"], "train_samples": n["train_samples"], "netgen_epoch_s": round(n_epoch_s, 3),
           "torch_epoch_s": round(t["epoch_s"], 3), "speedup": round(t["epoch_s"] / n_epoch_s, 2)}
for k in keep:
    if k in n and k in t:
        summary["netgen_" + k], summary["torch_" + k] = n[k], t[k]
print(json.dumps(summary))
PY
}

if [[ "${1:-}" == "rnn" ]]; then
  model="${2:?usage: compare.sh rnn lstm|gru [epochs] [limit]}"
  [[ "$model" == "lstm" || "$model" == "gru" ]] || { echo "compare.sh rnn: lstm or gru, not '$model'" >&2; exit 2; }
  epochs="${3:-1}"
  limit=()
  [[ -n "${4:-}" ]] && limit=(--limit "$4")
  data="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
  netgen=$(dotnet run -c Release --project samples/FashionMnist -- --model "$model" --json --threads 1 --no-plots \
             --epochs "$epochs" --data "$data" "${limit[@]}" | tail -n 1)
  torch=$(/usr/bin/python3 bench/peers/torch_rnn.py --model "$model" --epochs "$epochs" --data "$data" "${limit[@]}" | tail -n 1)
  compare "fashion-$model-128" "$netgen" "$torch"
  exit 0
fi

if [[ "${1:-}" == "langid" ]]; then
  model="${2:?usage: compare.sh langid gru|lstm [epochs]}"
  [[ "$model" == "lstm" || "$model" == "gru" ]] || { echo "compare.sh langid: gru or lstm, not '$model'" >&2; exit 2; }
  epochs="${3:-2}"
  split=$(mktemp -d)
  trap 'rm -rf "$split"' EXIT
  # The same fortunes, split, vocabulary and encoding on both sides: the sample writes them, torch_langid.py reads them.
  dotnet run -c Release --project samples/LanguageId -- --export "$split" >/dev/null
  netgen=$(dotnet run -c Release --project samples/LanguageId -- --model "$model" --json --threads 1 --epochs "$epochs" | tail -n 1)
  torch=$(/usr/bin/python3 bench/peers/torch_langid.py --data "$split" --model "$model" --epochs "$epochs" | tail -n 1)
  compare "langid-$model-64" "$netgen" "$torch"
  exit 0
fi

epochs="${1:-3}"
netgen=$(dotnet run -c Release --project bench/NetGen.Bench -- quick --epochs "$epochs" | tail -n 1)
torch=$(/usr/bin/python3 bench/peers/torch_mlp.py --epochs "$epochs" | tail -n 1)
echo "netgen: $netgen"
echo "torch:  $torch"
/usr/bin/python3 - "$netgen" "$torch" <<'PY'
import json, sys
n, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"netgen_epoch_s": n["epoch_s"], "torch_epoch_s": t["epoch_s"],
                  "speedup": round(t["epoch_s"] / n["epoch_s"], 1), "floor_epoch_s": n["floor_epoch_s"],
                  "netgen_over_floor": n["epoch_over_floor"]}))
PY
