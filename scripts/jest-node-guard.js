// The project ships on Node.js 24 LTS; tests run on it or not at all (see docs/adr/0001-runtime-and-toolchain.md).
if (!process.version.startsWith('v24.')) {
  throw new Error(
    `Kasho tests must run on Node.js 24 (found ${process.version}). Run them through npm (npm test), ` +
      'which puts the repository-pinned node_modules/.bin/node first on the PATH.',
  );
}
