#!/usr/bin/env bash
# Builds, runs the xunit suite and ends with one line CI reads: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
# The ResNet parity tests run torchvision (Debian's python3-torchvision) to make their reference.
dpkg-query -W -f='${Status}' python3-torchvision 2>/dev/null | grep -q "install ok installed" || { echo "test: installing python3-torchvision" >&2; s=""; [ "$(id -u)" -ne 0 ] && s="sudo"; $s apt-get update -qq && DEBIAN_FRONTEND=noninteractive $s apt-get install -y -qq --no-install-recommends python3-torchvision >/dev/null; } || exit 1
log=build/test.log
dotnet test tests/Ham.Tests/Ham.Tests.csproj -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# dotnet test's summary: "Passed!  - Failed:     0, Passed:   123, Skipped:     0, Total: ..."
summary=$(grep -E "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -1)
if [ -z "$summary" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
failed=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
