#!/usr/bin/env bash
# Runs the findings' tests (test/findings.md) against a checkout of another commit, by default
# the reviewed one, 559925b: main's test files that drive the old code unchanged, and the
# adapted copies in test/findings/old/ (each says what it changes and why). Logs go to $LOGS.
#
#   test/findings/run.sh OLD_WORKTREE [LOGS]
#   e.g. git worktree add --detach /tmp/old 559925b && ln -s "$PWD/node_modules" /tmp/old/
#        test/findings/run.sh /tmp/old /tmp/findings-logs
#
# Run from the repository's root. Needs the local PostgreSQL (as the tests do) and Chromium.
# On main (OLD_WORKTREE = a checkout of main) every file passes; on 559925b every one fails.
# It copies files into OLD_WORKTREE (leaves them there: remove the worktree afterwards).
set -u
old=${1:?usage: test/findings/run.sh OLD_WORKTREE [LOGS]}
logs=${2:-/tmp/findings-logs}
here=$(pwd)
mkdir -p "$logs"
[ -e "$old/node_modules" ] || { echo "$old/node_modules is missing (ln -s $here/node_modules $old/)" >&2; exit 2; }

# main's test helpers (serverOnDb; the rest unchanged since 559925b)
cp test/dialects.ts "$old/test/dialects.ts"

# main's test files, unchanged. One moved since 559925b (src/canaries was part of src/leaks):
# NEW_PATH:OLD_PATH copies it to where the old tree has its folder.
unchanged=(
  e2e/body-before-auth.test.ts
  e2e/limits-race.test.ts
  e2e/separation-of-duties.test.ts
  src/canaries/canary.shape.test.ts:src/leaks/canary.shape.test.ts
  src/leaks/trace.report.test.ts
  e2e/docs-headers.test.ts
  e2e/device-query-signature.test.ts
)
# adapted copies: test/findings/old/<path>.adapted.ts runs as <path>.adapted.test.ts
adapted=()
for f in $(cd test/findings/old && find . -name '*.adapted.ts' | sort); do
  f=${f#./}
  cp "test/findings/old/$f" "$old/${f%.adapted.ts}.adapted.test.ts"
  adapted+=("${f%.adapted.ts}.adapted.test.ts")
done
# The fake people are src/lib/people.ts on main, src/sim/people.ts in the old tree: only that
# import path is written back; the tests are otherwise main's, byte for byte.
ran=()
for f in "${unchanged[@]}"; do
  to=${f#*:}
  sed 's#\.\./lib/people\.ts#../sim/people.ts#' "${f%%:*}" >"$old/$to"
  ran+=("$to")
done

cd "$old"
for f in "${ran[@]}" "${adapted[@]}"; do
  log="$logs/$(echo "$f" | tr / _).log"
  s=$(date +%s)
  timeout 900 node --import tsx --test --test-reporter=spec "$f" >"$log" 2>&1
  rc=$?
  printf '%-45s rc=%s %4ss  %s\n' "$f" "$rc" "$(( $(date +%s) - s ))" "$(grep -E '^ℹ (pass|fail) ' "$log" | tr '\n' ' ')"
done
