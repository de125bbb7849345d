#!/usr/bin/env bash
# Sums cargo's per-binary "test result" lines into one closing line, and fails if any test
# failed or none ran (a test command that runs nothing must not look green).
set -euo pipefail
log=${1:?usage: test-summary.sh LOG}
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '; [0-9]+ failed' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
