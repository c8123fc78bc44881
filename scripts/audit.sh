#!/usr/bin/env bash
# `npm audit` at high level (issue 8): fails on a high or critical advisory. Where the registry's
# audit endpoint cannot be reached (this workplace's proxy answers 405), it says so loudly and
# does not fail, since nothing was checked; the README records which case the last run was.
set -uo pipefail
cd "$(dirname "$0")/.."
# --loglevel: `npm run --silent` would pass loglevel=silent down and hide the endpoint error.
out=$(npm audit --audit-level=high --loglevel=warn 2>&1); rc=$?
echo "$out" | grep -v '^npm warn Unknown \(user\|env\) config' | tail -20
if [ $rc -ne 0 ] && echo "$out" | grep -q 'audit endpoint returned an error\|ENOTFOUND\|ECONNREFUSED\|ETIMEDOUT'; then
  echo "audit: SKIPPED LOUDLY: the npm audit endpoint is unreachable from here; nothing was checked" >&2
  exit 0
fi
exit $rc
