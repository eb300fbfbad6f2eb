// Reads Kubernetes manifests (multi-document YAML) on stdin, prints {objects, problems} as JSON and exits 1 when
// any object breaks its schema. Used by deploy/test/kustomize-schema.spec.ts; by hand:
//   kubectl kustomize deploy/k8s/kustomize/overlays/production | npm run -s validate-manifests -w @kasho/deploy
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { schemaProblems } from '../src/k8s-schema.ts';
import { type Manifest } from '../src/manifest.ts';

async function main(): Promise<number> {
  const documents = parseAllDocuments(readFileSync(0, 'utf8'));
  const problems: string[] = [];
  for (const document of documents) {
    if (document.errors.length > 0)
      problems.push(...document.errors.map((error) => `YAML: ${error.message}`));
    const manifest = document.toJS() as Manifest | null;
    if (manifest !== null) problems.push(...(await schemaProblems(manifest)));
  }
  process.stdout.write(`${JSON.stringify({ objects: documents.length, problems })}\n`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`validate-manifests: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
