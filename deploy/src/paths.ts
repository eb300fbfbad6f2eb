import { existsSync } from 'node:fs';
import path from 'node:path';

// Found from the working directory, not __dirname: this code runs both under Jest (CommonJS) and as a plain Node
// script (ESM, where __dirname does not exist).
function findRepoRoot(start: string): string {
  let dir = path.resolve(start);
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${start}: run from inside the Kasho repository`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(process.cwd());
export const deployRoot = path.join(repoRoot, 'deploy');
export const kustomizeDir = path.join(deployRoot, 'k8s/kustomize');
