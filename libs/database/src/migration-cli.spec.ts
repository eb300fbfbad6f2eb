import { renderMigration } from './migration-cli';

describe('renderMigration', () => {
  it('writes a TypeORM migration class that escapes backticks and template syntax', () => {
    const source = renderMigration(
      'add-transfer-status',
      1700000000000,
      ['ALTER TABLE "t" ADD "s" text DEFAULT \'`${x}`\''],
      ['ALTER TABLE "t" DROP COLUMN "s"'],
    );
    expect(source).toContain('export class AddTransferStatus1700000000000 implements MigrationInterface {');
    expect(source).toContain("name = 'AddTransferStatus1700000000000';");
    expect(source).toContain(
      'await queryRunner.query(`ALTER TABLE "t" ADD "s" text DEFAULT \'\\`\\${x}\\`\'`);',
    );
    expect(source).toContain('await queryRunner.query(`ALTER TABLE "t" DROP COLUMN "s"`);');
  });
});
