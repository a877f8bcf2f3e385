#!/usr/bin/env bash
# Fuzzes the decoders of untrusted input with libFuzzer (clang, ASan, UBSan):
# stream names, message JSON (data + metadata -> a typed message),
# MessagePack (snapshot entities) and base64. Builds the fuzzers in a build
# folder of their own, then runs each one in turn for a bounded time on a
# scratch copy of its committed corpus (tests/fuzz/corpus/<target>/, never
# grown by this script). Fails on any crash, sanitizer report, leak, timeout
# or broken property, and prints the reproducer's path.
#
#   tests/fuzz/run.sh [TARGET...]     targets: stream_name message_json msgpack base64 (default: all)
#   EVT_FUZZ_SECONDS    time per target (default 30)
#   EVT_FUZZ_BUILD_DIR  build folder (default build/fuzz); the scratch corpora,
#                       logs and reproducers go to its fuzz-run/<target>/
#
# Fuzzing longer: EVT_FUZZ_SECONDS=3600 tests/fuzz/run.sh msgpack, or run a
# built fuzzer directly on a corpus folder of your own, e.g. with two
# processes that share it:
#   mkdir -p /tmp/msgpack && cp tests/fuzz/corpus/msgpack/* /tmp/msgpack/
#   build/fuzz/tests/fuzz/msgpack_fuzzer -fork=2 -max_len=16384 \
#     -dict=tests/fuzz/msgpack.dict /tmp/msgpack
# (-help=1 lists libFuzzer's flags). To keep a few inputs that reach new
# code, not the whole folder: mkdir /tmp/new && <fuzzer> -merge=1 /tmp/new
# /tmp/msgpack tests/fuzz/corpus/msgpack, then copy a handful of the small,
# readable ones from /tmp/new into tests/fuzz/corpus/msgpack/ - the
# committed corpus stays a few dozen small files per target.
#
# Adding a crash to the corpus: run the reproducer printed below on its own
# (build/fuzz/tests/fuzz/<target>_fuzzer <file>) to see the stack; shrink it
# with -minimize_crash=1 -runs=100000 <file> (writes minimized-from-* files);
# copy it to tests/fuzz/corpus/<target>/ under a name that says what it
# triggers (bug-<what-goes-wrong>, as the ones there), fix the library, and
# check that it passes: every run of this script (and ctest -L fuzz in a
# build with EVT_BUILD_FUZZERS=ON) replays the whole committed corpus first,
# so a reproducer left there fails every run until the bug is fixed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EVT_FUZZ_BUILD_DIR:-$repo/build/fuzz}"
seconds="${EVT_FUZZ_SECONDS:-30}"
all_targets=(stream_name message_json msgpack base64)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

max_len() {
  case "$1" in
    msgpack) echo 16384 ;;
    base64) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

for target in "${targets[@]}"; do
  if [ ! -d "$repo/tests/fuzz/corpus/$target" ]; then
    echo "Unknown fuzz target: $target (known: ${all_targets[*]})" >&2
    exit 2
  fi
done

echo "== Build ($build)"
started=$SECONDS
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DEVT_BUILD_FUZZERS=ON -DEVT_BUILD_TESTS=OFF -DEVT_BUILD_EXAMPLES=OFF -DEVT_BUILD_BENCHMARKS=OFF \
  -DEVT_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/%/_fuzzer}"
echo "Built in $((SECONDS - started)) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

failed=()
summary=()
for target in "${targets[@]}"; do
  echo "== Fuzz $target (${seconds} s)"
  work="$build/fuzz-run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus"
  cp -R "$repo/tests/fuzz/corpus/$target/." "$work/corpus/"
  dict=()
  [ -f "$repo/tests/fuzz/$target.dict" ] && dict=(-dict="$repo/tests/fuzz/$target.dict")

  status=0
  "$build/tests/fuzz/${target}_fuzzer" "$work/corpus" "${dict[@]}" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" >"$work/log" 2>&1 || status=$?

  runs="$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$work/log" | tail -1)"
  final="$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$work/log" | tail -1 || true)"
  cov="$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, ft \2, corpus \3/p' <<<"$final")"
  speed="$(sed -n 's/.* exec\/s: \([0-9]*\).*/\1 exec\/s/p' <<<"$final")"
  if [ "$status" -eq 0 ]; then
    line="$target: ${runs:-? runs}, ${speed:-? exec/s}, ${cov:-no coverage line}"
    echo "$line"
    summary+=("$line")
  else
    echo "FAILED (exit $status); the end of $work/log (long lines cut):"
    tail -n 80 "$work/log" | cut -c1-400
    reproducer="$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$work/log" | tail -1)"
    echo "Reproducer: ${reproducer:-none written (see $work/log)}"
    if [ -n "$reproducer" ]; then
      echo "Replay: $build/tests/fuzz/${target}_fuzzer $reproducer"
      # A crash while replaying the committed corpus: name the committed file.
      (cd "$repo" && sha1sum "tests/fuzz/corpus/$target"/*) |
        sed -n "s/^${reproducer##*-} \*\{0,1\} *\(.*\)$/Committed corpus file: \1/p"
    fi
    summary+=("$target: FAILED, reproducer ${reproducer:-none} (log $work/log)")
    failed+=("$target")
  fi
done

echo "== Summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "Fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
