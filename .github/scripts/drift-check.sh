#!/usr/bin/env bash
# Checks one stack for drift with `pulumi refresh --preview-only --expect-no-changes` and classifies
# the result, because Pulumi has no detailed exit code: exit 0 means no drift, the engine's "no
# changes were expected" error means drift, anything else means the check itself failed.
#
# Drift is the live cloud against the stack's *state*: a refresh reads every resource and compares
# it with the last deployment, without running the program. `pulumi preview --refresh` would also
# show commits merged to main but not yet deployed (e.g. waiting for prod approval) as changes,
# which is not drift (https://www.pulumi.com/docs/iac/cli/commands/pulumi_refresh/).
#
#   drift-check.sh STACK OUT_DIR
#
# Writes OUT_DIR/STACK.status (clean | drift | error) and OUT_DIR/STACK.md (the report), and
# exits non-zero only when the check could not run.
set -uo pipefail

stack="$1"
out_dir="$2"
mkdir -p "$out_dir"
log="$out_dir/$stack.log"

if [ -n "${PULUMI_BACKEND_URL:-}" ]; then
  pulumi login "$PULUMI_BACKEND_URL" >/dev/null
fi

pulumi refresh --stack "$stack" --preview-only --expect-no-changes --diff --non-interactive \
  --suppress-progress --color never >"$log" 2>&1
code=$?

if [ "$code" -eq 0 ]; then
  status=clean
elif grep -Eq 'no changes were expected( for [a-z]+)? but changes (were proposed|occurred)' "$log"; then
  status=drift
else
  status=error
fi
echo "$status" >"$out_dir/$stack.status"

{
  case "$status" in
    clean) echo "### \`$stack\`: no drift" ;;
    drift) echo "### \`$stack\`: live state drifted from the program" ;;
    error) echo "### \`$stack\`: the drift check could not run (exit $code)" ;;
  esac
  echo
  echo '```diff'
  tail -n 300 "$log"
  echo '```'
} >"$out_dir/$stack.md"

echo "drift check for $stack: $status"
[ "$status" != error ]
