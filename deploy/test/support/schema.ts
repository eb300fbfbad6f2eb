import { stringify } from 'yaml';
import { type Manifest } from '../../src/manifest.ts';
import { runDeployScript } from './tools.ts';

/** Schema problems of manifests, from scripts/validate-manifests.ts (kubernetes-models is ESM-only: plain Node). */
export function validateManifests(manifests: readonly Manifest[]): { objects: number; problems: string[] } {
  const input = manifests.map((manifest) => stringify(manifest)).join('---\n');
  const result = runDeployScript('validate-manifests.ts', input);
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`validate-manifests crashed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { objects: number; problems: string[] };
}
