#!/usr/bin/env bash
# Coverage-guided fuzzing of NetGen's readers of untrusted input with SharpFuzz 2.3.0 and AFL++ (Debian's afl++):
# ModelFile, Checkpoint, SafeTensors, IdxReader, CsvReader and the inference service's request parser.
#
#   bench/fuzz/run.sh [SECONDS_PER_TARGET (default 30)] [TARGET ...]
#
# Builds bench/fuzz/NetGen.Fuzz, instruments NetGen.Runtime.dll and the service's assembly with `sharpfuzz`, then runs
# afl-fuzz on each target for a bounded time, starting from the committed seed corpus (bench/fuzz/corpus/TARGET).
# Prints the executions and findings per target; copies any crasher to bench/fuzz/crashes/TARGET/ (commit it as a
# regression input once fixed) and exits 1 when there is one. Work files go to $OUT (default artifacts/fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-modelfile checkpoint safetensors idx csv request}
out=${OUT:-$root/artifacts/fuzz}
tools=${SHARPFUZZ_TOOL_PATH:-$root/artifacts/sharpfuzz-tool}

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

rm -rf "$out"
mkdir -p "$out"
dotnet build bench/fuzz/NetGen.Fuzz -c Release -o "$out/bin" -nologo -v quiet
"$tools/sharpfuzz" "$out/bin/NetGen.Runtime.dll"
"$tools/sharpfuzz" "$out/bin/NetGen.Samples.InferenceService.dll"

# The target process is dotnet (not compiled with afl's instrumentation: SharpFuzz instruments the IL and reports
# coverage itself); crashes are .NET exceptions, so the kernel's core_pattern does not matter.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
found=0
for target in $targets; do
  findings="$out/findings/$target"
  mkdir -p "$out/findings"
  afl-fuzz -i "bench/fuzz/corpus/$target" -o "$findings" -V "$seconds" -t 5000 -m none \
    -- "$(command -v dotnet)" "$out/bin/NetGen.Fuzz.dll" "$target" > "$out/$target.log" 2>&1 || {
      echo "$target: afl-fuzz failed, see $out/$target.log" >&2; tail -20 "$out/$target.log" >&2; exit 2; }
  stats="$findings/default/fuzzer_stats"
  value() { awk -v key="$1" '$1 == key { print $3 }' "$stats"; }
  echo "$target: $(value execs_done) executions in ${seconds} s, $(value corpus_count) inputs in the corpus, $(value saved_crashes) crashes, $(value saved_hangs) hangs"
  if [ "$(value saved_crashes)" != "0" ]; then
    found=1
    mkdir -p "bench/fuzz/crashes/$target"
    for crash in "$findings"/default/crashes/id:*; do
      cp "$crash" "bench/fuzz/crashes/$target/$(sha1sum "$crash" | cut -c1-16)"
    done
  fi
done
exit $found
