#!/usr/bin/env bash
# CI step: lints the Helm chart and validates what it renders, wherever helm is on the PATH. Without helm (the
# development machines: it is not packaged for them) it says so and skips; the chart is then covered only by the
# kustomize rendering, its schema and policy tests, and the chart-drift tests (docs/deploy.md, What CI verifies).
set -euo pipefail
cd "$(dirname "$0")/../.."
chart=deploy/k8s/kasho

if ! command -v helm >/dev/null 2>&1; then
  echo "helm check: SKIPPED, helm is not on the PATH: 'helm lint' and 'helm template' did not run."
  exit 0
fi

helm lint --strict "$chart"
helm lint --strict "$chart" --set externalSecrets.enabled=true
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
helm template kasho "$chart" --set externalSecrets.enabled=true >"$rendered"
node_modules/.bin/node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON deploy/scripts/validate-manifests.ts <"$rendered"
echo "helm check: lint and template passed; every rendered object matches its schema."
