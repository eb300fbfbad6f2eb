// Writes the chart's default rendering into deploy/k8s/kustomize/{base,migrations,components/external-secrets}.
// Run after changing values.yaml or files/alerts.yaml (npm run render -w @kasho/deploy); the drift test fails
// until the committed files match.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadChartValues } from '../src/chart-values.ts';
import { kustomizeDir } from '../src/paths.ts';
import { renderKustomize } from '../src/render/kustomize-base.ts';

const HEADER =
  '# Generated from deploy/k8s/kasho/values.yaml by deploy/scripts/render-kustomize-base.ts: do not edit.\n';

for (const [name, { files, kustomization }] of Object.entries(renderKustomize(loadChartValues()))) {
  const dir = path.join(kustomizeDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'kustomization.yaml'), HEADER + stringify(kustomization));
  for (const [file, manifests] of Object.entries(files)) {
    const text = manifests.map((manifest) => stringify(manifest, { lineWidth: 0 })).join('---\n');
    writeFileSync(path.join(dir, file), HEADER + text);
  }
  process.stdout.write(`wrote ${path.relative(process.cwd(), dir)}\n`);
}
