#!/usr/bin/env bash
# Load test of samples/InferenceService, JIT build and NativeAOT build, on this machine's loopback only.
#
#   bench/service/run-load.sh            # figures for docs/service.md
#   CONNECTIONS=16 REQUESTS=100000 DURATION=20 bench/service/run-load.sh
#
# For each build: time to first answer (LoadTest startup: launch the service, poll /health every millisecond, first
# POST /predict, then sequential requests for the steady state; 5 launches), then the load runs (start the service on a
# free 127.0.0.1 port, wait for /health, LoadTest run with single samples and with batches, read the service's peak
# RSS, kill it). Every request loop is bounded by a request count and a time limit.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONNECTIONS=${CONNECTIONS:-8}
REQUESTS=${REQUESTS:-50000}
DURATION=${DURATION:-15}
BATCH=${BATCH:-32}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-4}
BATCH_REQUESTS=${BATCH_REQUESTS:-3000}
STARTS=${STARTS:-5}
OUT=${OUT:-$(mktemp -d /tmp/netgen-service-load.XXXXXX)}
mkdir -p "$OUT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

service_pid=""
cleanup() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

free_port() {
  # A port nothing listens on (connect is refused), picked at random above the well-known ranges.
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

echo "== building (JIT) and publishing (NativeAOT) into $OUT"
dotnet build samples/InferenceService -c Release -v quiet -nologo >"$OUT/build-jit.log" 2>&1 || { cat "$OUT/build-jit.log"; exit 1; }
dotnet build bench/LoadTest -c Release -v quiet -nologo >"$OUT/build-loadtest.log" 2>&1 || { cat "$OUT/build-loadtest.log"; exit 1; }
dotnet build bench/service/ModelTool -c Release -v quiet -nologo >"$OUT/build-modeltool.log" 2>&1 || { cat "$OUT/build-modeltool.log"; exit 1; }
publish_start=$(date +%s)
dotnet publish samples/InferenceService -c Release -r linux-x64 -o "$OUT/aot" -nologo >"$OUT/publish-aot.log" 2>&1 || { cat "$OUT/publish-aot.log"; exit 1; }
publish_seconds=$(( $(date +%s) - publish_start ))
aot_warnings=$(grep -ci "warning" "$OUT/publish-aot.log" || true)

jit_bin=samples/InferenceService/bin/Release/net10.0/NetGen.Samples.InferenceService
aot_bin=$OUT/aot/NetGen.Samples.InferenceService
loadtest=bench/LoadTest/bin/Release/net10.0/NetGen.Bench.LoadTest
modeltool=bench/service/ModelTool/bin/Release/net10.0/NetGen.Bench.ModelTool

echo "== model: the seed network, 1 epoch on the repository's Fashion-MNIST subset"
"$modeltool" make --out "$OUT/data" --epochs 1 --requests 256
expected_class=$(grep -oP '"class":\K[0-9]+' "$OUT/data/expected.json")

results=()
for build in jit aot; do
  bin=$jit_bin; [[ $build == aot ]] && bin=$aot_bin
  port=$(free_port)
  url="http://127.0.0.1:$port"

  echo "== $build: time to first answer ($STARTS launches)"
  "$loadtest" startup --repeat "$STARTS" --url "$url" --body "$OUT/data/request.json" --expected-class "$expected_class" \
    --bodies "$OUT/data/requests.jsonl" --expected "$OUT/data/expected.txt" --label "$build" \
    -- "$bin" --model "$OUT/data/model.ngmf" --urls "$url" >"$OUT/startup-$build.txt"
  cat "$OUT/startup-$build.txt"
  results+=("$(grep '^RESULT' "$OUT/startup-$build.txt")")

  echo "== $build: load"
  port=$(free_port)
  url="http://127.0.0.1:$port"
  "$bin" --model "$OUT/data/model.ngmf" --urls "$url" >"$OUT/service-$build.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 3000); do
    curl -sf "$url/health" >/dev/null 2>&1 && break
    kill -0 "$service_pid" 2>/dev/null || { echo "the $build service exited:"; cat "$OUT/service-$build.log"; exit 1; }
    sleep 0.01
  done
  curl -sf "$url/health" >/dev/null || { echo "the $build service did not answer /health"; exit 1; }
  "$loadtest" run --url "$url" --bodies "$OUT/data/requests.jsonl" --expected "$OUT/data/expected.txt" \
    --connections "$CONNECTIONS" --requests "$REQUESTS" --duration "$DURATION" --label "$build-single" >"$OUT/run-$build-single.txt"
  cat "$OUT/run-$build-single.txt"
  results+=("$(grep '^RESULT' "$OUT/run-$build-single.txt")")
  "$loadtest" run --url "$url" --bodies "$OUT/data/requests.jsonl" --expected "$OUT/data/expected.txt" --batch "$BATCH" \
    --connections "$BATCH_CONNECTIONS" --requests "$BATCH_REQUESTS" --duration "$DURATION" --warmup 300 --label "$build-batch$BATCH" >"$OUT/run-$build-batch.txt"
  cat "$OUT/run-$build-batch.txt"
  results+=("$(grep '^RESULT' "$OUT/run-$build-batch.txt")")
  rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$service_pid/status")
  results+=("RESULT label=$build-memory peak_rss_mb=$((rss_kb / 1024))")
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
  service_pid=""
done

jit_size=$(du -cb samples/InferenceService/bin/Release/net10.0/*.dll | tail -1 | cut -f1)
aot_size=$(stat -c %s "$aot_bin")
echo
echo "== figures ($(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${results[@]}"
echo "RESULT label=sizes aot_binary_bytes=$aot_size jit_app_dlls_bytes=$jit_size aot_publish_seconds=$publish_seconds aot_publish_warning_lines=$aot_warnings"
echo "(outputs in $OUT)"
