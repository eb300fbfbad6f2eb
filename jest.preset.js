// Shared Jest settings: every project's jest.config.js spreads this. SWC strips types (with decorator metadata,
// which NestJS DI needs) and emits CommonJS; @kasho/* resolves to the libraries' sources, so tests need no build.
const path = require('node:path');

// ESM-only dependencies that CommonJS code requires (Node 24 loads them natively with require(esm); Jest's module
// registry does not without --experimental-vm-modules), so Jest compiles just these to CommonJS.
const esmOnlyPackages = ['content-disposition'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/test/**/*.int-spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    '^.+/node_modules/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@kasho/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
  setupFiles: [path.join(__dirname, 'scripts/jest-node-guard.js')],
  testTimeout: 30000,
};
