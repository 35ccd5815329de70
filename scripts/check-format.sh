#!/usr/bin/env bash
# Fails (exit 1) when any Swift file differs from what `swift format` would write, and shows the diff.
# Fix with: swift format format --in-place --recursive Sources Tests Benchmarks Package.swift
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
while IFS= read -r -d '' file; do
    if ! swift format format --configuration .swift-format "$file" | diff -u --label "$file" --label "$file (formatted)" "$file" -; then
        status=1
    fi
done < <(find Sources Tests Benchmarks Package.swift -name '*.swift' -not -path '*/.build/*' -print0 2>/dev/null)
if [ "$status" -ne 0 ]; then
    echo "swift format: the files above are not formatted; run: swift format format --in-place --recursive Sources Tests Benchmarks Package.swift" >&2
fi
exit "$status"
