// The deploy checks read files and run kubectl/terraform/dockerfilelint; they need no database or broker.
const preset = require('../jest.preset.js');

// kubernetes-models and its helpers ship ESM only, exported under the "import" condition: Jest resolves that
// condition too and compiles those packages to CommonJS like the preset's other ESM-only dependencies.
const esmOnly = ['kubernetes-models', '@kubernetes-models', 'is-cidr', 'cidr-regex', 'ip-regex'];

module.exports = {
  ...preset,
  displayName: 'deploy',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'import'] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 120000,
};
