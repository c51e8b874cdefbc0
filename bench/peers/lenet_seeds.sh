#!/usr/bin/env bash
# LeNet-5's test accuracy over seeds: the Fashion-MNIST sample (--model lenet, 10 epochs, one thread, full data) for
# each seed, with the test set evaluated after every epoch (--validate-on-test), then one JSON line: the final
# accuracy per seed, the best epoch's, the first epoch at or above 0.90, and their means.
#   bench/peers/lenet_seeds.sh [first_seed] [last_seed]        default 0 9
#   PEER=1 bench/peers/lenet_seeds.sh ...                      also bench/peers/torch_lenet.py --eval-each-epoch per seed
set -euo pipefail
cd "$(dirname "$0")/../.."
first="${1:-0}" last="${2:-9}"
data="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
export OPENBLAS_CORETYPE="${PEER_OPENBLAS_CORETYPE:-Cooperlake}" OMP_NUM_THREADS=1
dotnet build -c Release samples/FashionMnist >/dev/null
runs=()
for seed in $(seq "$first" "$last"); do
  netgen=$(dotnet run -c Release --no-build --project samples/FashionMnist -- --model lenet --json --threads 1 --no-plots \
             --epochs 10 --seed "$seed" --validate-on-test --data "$data" | tail -n 1)
  torch="null"
  if [[ "${PEER:-0}" == "1" ]]; then
    torch=$(/usr/bin/python3 bench/peers/torch_lenet.py --epochs 10 --seed "$seed" --eval-each-epoch --data "$data" 2>/dev/null | tail -n 1)
  fi
  runs+=("{\"seed\": $seed, \"netgen\": $netgen, \"torch\": $torch}")
done
printf '%s\n' "${runs[@]}" | /usr/bin/python3 -c '
import json, statistics, sys
rows = [json.loads(line) for line in sys.stdin]
def side(accuracies):
    final = accuracies[-1]
    first = next((i + 1 for i, a in enumerate(accuracies) if a >= 0.90), None)
    return {"final": final, "best": max(accuracies), "first_epoch_at_0.90": first}
out = {"network": "lenet5", "epochs": 10, "seeds": []}
for r in rows:
    n = r["netgen"]
    entry = {"seed": r["seed"], "netgen": side([e["val_accuracy"] for e in n["history"]])}
    if r["torch"]:
        entry["torch"] = side(r["torch"]["epoch_test_accuracy"])
    out["seeds"].append(entry)
for who in ("netgen", "torch"):
    s = [e[who] for e in out["seeds"] if who in e]
    if s:
        out[who + "_mean_final"] = round(statistics.mean(x["final"] for x in s), 4)
        at = sum(x["final"] >= 0.90 for x in s)
        reached = sum(x["first_epoch_at_0.90"] is not None for x in s)
        out[who + "_final_at_0.90"] = "%d of %d" % (at, len(s))
        out[who + "_reached_0.90_within_10"] = "%d of %d" % (reached, len(s))
for e in out["seeds"]:
    print(json.dumps(e))
print(json.dumps({k: v for k, v in out.items() if k != "seeds"}))
'
