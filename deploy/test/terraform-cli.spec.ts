import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registryProviders, terraformDirs, terraformRoot } from './support/terraform.ts';
import { hasBinary, itWith, run } from './support/tools.ts';

// Terraform is never applied here (no cloud, no provider registry): it is formatted, and validated where that needs
// no registry provider. terraform-structure.spec.ts checks the parsed HCL of everything.

const dirs = terraformDirs();
const terraformEnv = { TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };

describe('terraform/ formatting and validation', () => {
  it('has the modules and environment roots the platform needs', () => {
    expect(dirs).toEqual(
      expect.arrayContaining([
        'bootstrap',
        'environments/production',
        'environments/staging',
        ...[
          'amazon-mq',
          'eks',
          'elasticache-redis',
          'irsa',
          'kasho-catalog',
          'kms',
          'network',
          'opensearch',
          'platform',
          'rds-postgresql',
          'secrets',
        ].map((name) => `modules/${name}`),
      ]),
    );
  });

  itWith('terraform')('is formatted (terraform fmt -check -recursive)', () => {
    const result = run('terraform', ['fmt', '-check', '-recursive', '-diff', terraformRoot], {
      env: terraformEnv,
    });
    expect({ status: result.status, unformatted: result.stdout }).toEqual({ status: 0, unformatted: '' });
  });

  describe.each(dirs)('terraform validate %s', (dir) => {
    const providers = registryProviders(dir);
    const reason = !hasBinary('terraform')
      ? 'terraform is not on the PATH'
      : providers.length > 0
        ? `needs registry providers (${providers.join(', ')}), unreachable here; the structural tests below cover it`
        : undefined;
    (reason ? it.skip : it)(
      `terraform init -backend=false && terraform validate${reason ? ` [skipped: ${reason}]` : ''}`,
      () => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'kasho-tf-'));
        const options = {
          cwd: path.join(terraformRoot, dir),
          env: { ...terraformEnv, TF_DATA_DIR: dataDir },
        };
        const init = run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], options);
        expect({ init: init.status, stderr: init.stderr }).toEqual({ init: 0, stderr: '' });
        const validate = run('terraform', ['validate', '-no-color'], options);
        expect({ status: validate.status, output: validate.stdout.trim() }).toEqual({
          status: 0,
          output: 'Success! The configuration is valid.',
        });
      },
    );
  });
});
