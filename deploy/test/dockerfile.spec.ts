import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { repoRoot } from '../src/paths.ts';
import { parseDockerfile } from './support/dockerfile.ts';
import { run } from './support/tools.ts';

// No Docker engine here: the Dockerfile is linted (dockerfilelint) and its rules are checked instruction by
// instruction. What only a real build proves (that it builds, that the image starts) is listed in docs/deploy.md.

const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const instructions = parseDockerfile(dockerfile);
const finalStage = Math.max(...instructions.map((instruction) => instruction.stage));
const inFinal = (keyword: string) =>
  instructions.filter((instruction) => instruction.stage === finalStage && instruction.keyword === keyword);
const dockerfilelint = path.join(repoRoot, 'node_modules/.bin/dockerfilelint');

describe('Dockerfile', () => {
  it('passes dockerfilelint', () => {
    const result = run(dockerfilelint, ['Dockerfile']);
    const output = stripVTControlCharacters(result.stdout);
    expect({ status: result.status, clean: output.includes('Issues: None found') }).toEqual({
      status: 0,
      clean: true,
    });
  });

  it('fails dockerfilelint on a Dockerfile with problems (so the pass above means something)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kasho-dockerfile-')), 'Dockerfile');
    writeFileSync(file, 'FROM node\nRUN apt-get install tini\nEXPOSE 99999\n');
    expect(run(dockerfilelint, [file]).status).not.toBe(0);
  });

  it('is multi-stage on a pinned Node.js 24 LTS image', () => {
    const froms = instructions.filter((instruction) => instruction.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(3);
    for (const from of froms) expect(from.args).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim AS [a-z-]+$/);
  });

  it('picks the service with a build argument and refuses to build without one', () => {
    expect(inFinal('ARG').map((instruction) => instruction.args)).toContain('SERVICE');
    expect(dockerfile).toMatch(/test -n "\$\{SERVICE\}" && test -d "services\/\$\{SERVICE\}"/);
  });

  it('installs production dependencies only into the image', () => {
    const prodInstall = instructions.find((instruction) => /npm ci .*--omit=dev/.test(instruction.args));
    expect(prodInstall).toBeDefined();
    const copies = inFinal('COPY').map((instruction) => instruction.args);
    const stageName = (index: number) =>
      /AS ([a-z-]+)$/.exec(
        instructions.find((i) => i.keyword === 'FROM' && i.stage === index)?.args ?? '',
      )?.[1];
    expect(copies).toContain(`--from=${stageName(prodInstall!.stage)} /repo/node_modules node_modules`);
    expect(inFinal('RUN').some((instruction) => /npm (ci|install)/.test(instruction.args))).toBe(false);
  });

  it('starts the built JavaScript under tini, never TypeScript', () => {
    expect(inFinal('ENTRYPOINT').map((instruction) => instruction.args)).toEqual(['["/usr/bin/tini", "--"]']);
    const [cmd] = inFinal('CMD').map((instruction) => JSON.parse(instruction.args) as string[]);
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).not.toMatch(/\.ts\b|ts-node|tsx|strip-types/);
    expect(dockerfile).toMatch(/ln -s "services\/\$\{SERVICE\}\/dist\/main\.js" main\.js/);
    expect(
      instructions.some((instruction) => /tsc -b/.test(instruction.args) && instruction.stage < finalStage),
    ).toBe(true);
  });

  it('runs as a non-root user, after every file is in place and owned by root (read-only root filesystem)', () => {
    const users = inFinal('USER').map((instruction) => instruction.args);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const final = instructions.filter((instruction) => instruction.stage === finalStage);
    const userAt = final.findIndex((instruction) => instruction.keyword === 'USER');
    const lastWrite = final.findLastIndex((instruction) =>
      ['RUN', 'COPY', 'ADD'].includes(instruction.keyword),
    );
    expect(userAt).toBeGreaterThan(lastWrite);
    // The only thing the service user owns is .kasho, where auth keeps generated keys in a local compose run.
    expect(dockerfile.match(/--chown|chown /g)).toEqual(['chown ']);
    expect(dockerfile).toMatch(/mkdir \.kasho && chown node:node \.kasho/);
  });

  it('declares a HEALTHCHECK on the liveness endpoint', () => {
    const [healthcheck] = inFinal('HEALTHCHECK');
    expect(healthcheck.args).toMatch(/CMD \["node", "-e", ".*\/health\/live/);
  });

  it('carries the OCI labels', () => {
    const labels = inFinal('LABEL')
      .map((instruction) => instruction.args)
      .join(' ');
    for (const label of ['title', 'description', 'version', 'revision', 'created', 'source', 'licenses'])
      expect(labels).toContain(`org.opencontainers.image.${label}=`);
  });

  it('keeps local state and secrets out of the build context (.dockerignore)', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of [
      '**/node_modules',
      '**/dist',
      '.git',
      '.kasho',
      '**/.env',
      '**/.env.*',
      'terraform',
    ])
      expect(ignored).toContain(pattern);
  });
});
