import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type Manifest } from '../../src/manifest.ts';
import { kustomizeDir } from '../../src/paths.ts';
import { run } from './tools.ts';

/** The kustomization directories a kubectl user applies, relative to deploy/k8s/kustomize. */
export const KUSTOMIZATIONS = [
  'base',
  'migrations',
  'overlays/staging',
  'overlays/staging/migrations',
  'overlays/production',
  'overlays/production/migrations',
] as const;

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0)
        throw new Error(document.errors.map((error) => error.message).join('; '));
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
}

const cache = new Map<string, Manifest[]>();

/** `kubectl kustomize <dir>`, parsed; throws with kubectl's message when the build fails. */
export function buildKustomization(relativeDir: string): Manifest[] {
  const cached = cache.get(relativeDir);
  if (cached) return cached;
  const result = run('kubectl', ['kustomize', path.join(kustomizeDir, relativeDir)]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${relativeDir} failed: ${result.stderr}`);
  const manifests = parseManifests(result.stdout);
  cache.set(relativeDir, manifests);
  return manifests;
}

export function ofKind<T = Manifest>(manifests: readonly Manifest[], kind: string): T[] {
  return manifests.filter((manifest) => manifest.kind === kind) as T[];
}
