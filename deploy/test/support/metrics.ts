import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/paths.ts';

/** Metric names a PromQL expression refers to (Kasho's own and RabbitMQ's), histogram suffixes removed. */
export function metricsIn(expression: string): string[] {
  const names = expression.match(/\b(?:kasho|rabbitmq)_[a-z0-9_]+\b/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|sum|count)$/, '')))];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist', 'test'].includes(entry.name) ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Every `kasho_*` metric name written as a string literal in the production sources of libs/ and services/. */
export function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [
    ...sourceFiles(path.join(repoRoot, 'libs')),
    ...sourceFiles(path.join(repoRoot, 'services')),
  ]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/['"`](kasho_[a-z0-9_]+)['"`]/g))
      names.add(match[1]);
  }
  return names;
}
