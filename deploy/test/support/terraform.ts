import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { repoRoot } from '../../src/paths.ts';

/** HCL as @cdktf/hcl2json gives it: Terraform's JSON syntax, expressions as "${...}" strings, blocks as lists. */
export type Hcl = Record<string, unknown>;
export type Blocks = Record<string, Hcl[]>;

export interface TerraformDir {
  dir: string; // relative to terraform/
  text: string; // every .tf file, concatenated
  resources: Record<string, Blocks>; // type -> name -> [body]
  data: Record<string, Blocks>;
  variables: Blocks;
  outputs: Blocks;
  modules: Blocks;
  locals: Hcl[];
  terraform: Hcl[];
  providers: Blocks;
}

export const terraformRoot = path.join(repoRoot, 'terraform');

/** Every directory of terraform/ holding .tf files: the modules, the environment roots and the bootstrap. */
export function terraformDirs(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((entry) => entry.isFile() && entry.name.endsWith('.tf')))
      found.push(path.relative(terraformRoot, dir));
    for (const entry of entries)
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(path.join(dir, entry.name));
  };
  walk(terraformRoot);
  return found.sort();
}

function merge<T>(
  target: Record<string, T>,
  source: Record<string, T> | undefined,
  combine: (a: T, b: T) => T,
) {
  for (const [name, value] of Object.entries(source ?? {}))
    target[name] = name in target ? combine(target[name], value) : value;
}

export async function loadTerraformDir(dir: string): Promise<TerraformDir> {
  const full = path.join(terraformRoot, dir);
  const files = readdirSync(full)
    .filter((file) => file.endsWith('.tf'))
    .sort();
  const result: TerraformDir = {
    dir,
    text: '',
    resources: {},
    data: {},
    variables: {},
    outputs: {},
    modules: {},
    locals: [],
    terraform: [],
    providers: {},
  };
  const concat = (a: Hcl[], b: Hcl[]) => [...a, ...b];
  for (const file of files) {
    const text = readFileSync(path.join(full, file), 'utf8');
    result.text += `${text}\n`;
    const parsed = (await parse(file, text)) as Record<string, unknown>;
    merge(result.resources, parsed.resource as Record<string, Blocks>, (a, b) => ({ ...a, ...b }));
    merge(result.data, parsed.data as Record<string, Blocks>, (a, b) => ({ ...a, ...b }));
    merge(result.variables, parsed.variable as Blocks, concat);
    merge(result.outputs, parsed.output as Blocks, concat);
    merge(result.modules, parsed.module as Blocks, concat);
    merge(result.providers, parsed.provider as Blocks, concat);
    result.locals.push(...((parsed.locals as Hcl[] | undefined) ?? []));
    result.terraform.push(...((parsed.terraform as Hcl[] | undefined) ?? []));
  }
  return result;
}

/**
 * Registry providers a directory needs: its required_providers sources and the providers its resource and data types
 * imply. Read from the text, synchronously, so a test can be declared skipped (with this reason) before it runs.
 */
export function registryProviders(dir: string): string[] {
  const full = path.join(terraformRoot, dir);
  const text = readdirSync(full)
    .filter((file) => file.endsWith('.tf'))
    .map((file) => readFileSync(path.join(full, file), 'utf8'))
    .join('\n');
  const sources = [...text.matchAll(/source\s*=\s*"([a-z0-9-]+\/[a-z0-9-]+)"/g)].map((match) => match[1]);
  const implied = [...text.matchAll(/^\s*(?:resource|data)\s+"([a-z0-9]+)_/gm)]
    .map((match) => match[1])
    .filter((prefix) => prefix !== 'terraform')
    .map((prefix) => `hashicorp/${prefix}`);
  return [...new Set([...sources, ...implied])].sort();
}

/** Every (path, value) pair under a parsed block, for rules about attributes wherever they sit. */
export function attributes(value: unknown, at = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => attributes(item, `${at}[${index}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, inner]) => [
      [`${at}.${key}`, inner] as [string, unknown],
      ...attributes(inner, `${at}.${key}`),
    ]);
  return [];
}

export const isExpression = (value: unknown) => typeof value === 'string' && /^\$\{[\s\S]+\}$/.test(value);
