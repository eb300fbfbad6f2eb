// Runs the TypeScript sources outside Jest (benchmark, the relay child process of the outbox test) with the same
// SWC settings as jest.preset.js: Node's own type stripping cannot do decorators, enums or parameter properties.
// Use with `--conditions=@kasho/source` so @kasho/* resolves to the libraries' sources:
//   node --conditions=@kasho/source -r ./libs/messaging/tools/swc-register.cjs <file.ts>
const fs = require('node:fs');
const swc = require('@swc/core');

const options = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
