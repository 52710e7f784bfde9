#!/usr/bin/env bash
# Post-deploy smoke test: signs the stack's smoke-test user in through the real protocol with
# `identity-ops auth smoke` (SRP, SECRET_HASH, TOTP, JWKS checks) against the saved outputs.
#
#   auth-smoke.sh STACK OUTPUTS_FILE [REPORT_DIR]
#
# Reads SMOKE_USERNAME, SMOKE_CLIENT (the app client's name in the stack's clientIds output),
# SMOKE_PASSWORD and, for pools that require MFA, SMOKE_TOTP_SECRET from the environment. A stack
# without a configured smoke user (its first deployment creates the pool) is reported as not
# smoke-tested, with a warning, rather than as passed.
set -euo pipefail

stack="$1"
outputs="$2"
report_dir="${3:-smoke-report}"
ops="${IDENTITY_OPS:-.venv/bin/identity-ops}"
python="${PYTHON:-.venv/bin/python}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
mkdir -p "$report_dir"

if [ -z "${SMOKE_USERNAME:-}" ] || [ -z "${SMOKE_CLIENT:-}" ] || [ -z "${SMOKE_PASSWORD:-}" ]; then
  message="$stack was deployed but not smoke-tested: set SMOKE_USERNAME, SMOKE_CLIENT and the SMOKE_PASSWORD secret in the $stack environment"
  echo "::warning::$message"
  echo "$message." >>"$summary"
  exit 0
fi

client_id="$("$python" -c '
import json, os, sys
name = os.environ["SMOKE_CLIENT"]
clients = json.load(open(sys.argv[1], encoding="utf-8")).get("clientIds") or {}
if not clients.get(name):
    known = ", ".join(sorted(clients)) or "none"
    sys.exit(f"no app client {name!r} in clientIds of {sys.argv[1]} (clients: {known})")
print(clients[name])
' "$outputs")"

args=(auth smoke --stack "$stack" --username "$SMOKE_USERNAME" --client-id "$client_id"
  --password-env SMOKE_PASSWORD --output json)
if [ -n "${SMOKE_TOTP_SECRET:-}" ]; then
  args+=(--totp-secret-env SMOKE_TOTP_SECRET)
fi

status=0
IDENTITY_OPS_STACK_DIR="$(dirname "$outputs")" "$ops" "${args[@]}" >"$report_dir/$stack.json" || status=$?
{
  echo "### Smoke test of \`$stack\` (exit $status)"
  echo
  echo '```json'
  cat "$report_dir/$stack.json"
  echo '```'
} >>"$summary"
exit "$status"
