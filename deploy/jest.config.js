// The deploy checks read files and run kubectl, terraform and dockerfilelint; they need no database or broker.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'deploy',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 120000,
};
