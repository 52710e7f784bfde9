#!/usr/bin/env bash
# Runs the real `pulumi preview` of one stack with the cognito-guard pack and keeps its result,
# whatever it is, for the PR comment and the job summary.
#
#   cloud-preview.sh STACK POLICY_CONFIG OUT_DIR
#
# Writes OUT_DIR/STACK.md (verdict and the CLI's output, error text included) and records the
# CLI's exit code as the step output `status`. It exits 0 itself so that the result is published
# before the workflow fails on `status`: pulumi/actions posts no comment when a preview fails, which
# leaves the previous push's passing comment on the pull request.
set -uo pipefail

stack="$1"
policy_config="$2"
out_dir="$3"
mkdir -p "$out_dir"
log="$out_dir/$stack.log"

if [ -n "${PULUMI_BACKEND_URL:-}" ]; then
  pulumi login "$PULUMI_BACKEND_URL" >"$log" 2>&1 || true
fi

pulumi preview --stack "$stack" --policy-pack policies --policy-pack-config "$policy_config" \
  --diff --non-interactive --suppress-progress --color never >>"$log" 2>&1
status=$?

{
  if [ "$status" -eq 0 ]; then
    echo "### \`$stack\`: \`pulumi preview\` passed (cognito-guard enforced)"
  else
    echo "### \`$stack\`: \`pulumi preview\` failed (exit $status)"
    echo
    echo "A policy violation, a program error or a cloud error stopped the preview; its output follows."
  fi
  echo
  echo '```diff'
  tail -n 300 "$log"
  echo '```'
} >"$out_dir/$stack.md"

echo "status=$status" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "pulumi preview for $stack exited $status"
