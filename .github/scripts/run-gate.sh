#!/usr/bin/env bash
# Runs the offline policy gate for one stack and keeps every report, whatever the verdict.
#
#   run-gate.sh STACK POLICY_CONFIG OUT_DIR
#
# Writes OUT_DIR/STACK.md (for the job summary and the PR comment), OUT_DIR/STACK.sarif (code
# scanning) and OUT_DIR/STACK.json (machines), and records the gate's exit code as the step output
# `status` (0 pass, 1 mandatory violation, 2 stack cannot be evaluated). It exits 0 itself so that
# the reports are published before the workflow fails on `status`.
set -uo pipefail

stack="$1"
policy_config="$2"
out_dir="$3"
python="${PYTHON:-.venv/bin/python}"
mkdir -p "$out_dir"

# One run writes all three reports (the program and the pack run once).
"$python" -m gate preview --stack "$stack" --policy-pack-config "$policy_config" \
  --format markdown --output "$out_dir/$stack.md" \
  --also "sarif=$out_dir/$stack.sarif" --also "json=$out_dir/$stack.json" \
  2>>"$out_dir/$stack.stderr.txt"
status=$?

if [ ! -s "$out_dir/$stack.md" ]; then
  # The gate stops before writing a report only when the stack cannot be evaluated (exit 2);
  # its message (already meant for people) still belongs in the summary and the comment.
  {
    echo "### \`$stack\`: the stack could not be evaluated (exit $status)"
    echo
    echo '```text'
    tail -n 40 "$out_dir/$stack.stderr.txt"
    echo '```'
  } >"$out_dir/$stack.md"
fi

echo "status=$status" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "gate for $stack exited $status"
