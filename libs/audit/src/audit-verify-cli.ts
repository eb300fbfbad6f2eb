import type { DataSource } from 'typeorm';
import { verifyAuditChain } from './verify-audit-chain';

/** Where the CLI writes: one line per call. */
export interface AuditVerifyCliOutput {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: AuditVerifyCliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const AUDIT_VERIFY_CLI_USAGE = [
  'usage: audit-verify [--batch-size <n>]',
  '  walks the audit_log chain in order and reports the first broken link',
  '  exit status: 0 intact, 1 broken (or the check failed), 2 bad usage',
].join('\n');

/** Exit status: 0 intact, 1 broken or failed, 2 bad usage. */
export type AuditVerifyCliStatus = 0 | 1 | 2;

function parseBatchSize(argv: readonly string[]): number | undefined | 'bad' {
  if (argv.length === 0) return undefined;
  if (argv.length !== 2 || argv[0] !== '--batch-size') return 'bad';
  const value = Number(argv[1]);
  return Number.isInteger(value) && value > 0 ? value : 'bad';
}

/**
 * The body of a service's `src/audit-verify.ts` (`node dist/audit-verify.js`). Returns the exit status instead of
 * exiting, so callers and tests decide; it never throws.
 */
export async function runAuditVerifyCli(
  buildDataSource: () => DataSource,
  argv: readonly string[] = process.argv.slice(2),
  output: AuditVerifyCliOutput = processOutput,
): Promise<AuditVerifyCliStatus> {
  if (argv[0] === 'help' || argv[0] === '--help') {
    output.out(AUDIT_VERIFY_CLI_USAGE);
    return 0;
  }
  const batchSize = parseBatchSize(argv);
  if (batchSize === 'bad') {
    output.err(AUDIT_VERIFY_CLI_USAGE);
    return 2;
  }
  try {
    const dataSource = buildDataSource();
    await dataSource.initialize();
    try {
      const result = await verifyAuditChain(dataSource, { batchSize });
      if (!result.ok) {
        output.err(`audit chain BROKEN at sequence ${result.brokenAt} (${result.reason}): ${result.message}`);
        output.err(`${result.entries} entries before it are intact`);
        return 1;
      }
      output.out(
        result.head
          ? `audit chain intact: ${result.entries} entries, head ${result.head.sequence} ${result.head.hash}`
          : 'audit chain intact: the log is empty',
      );
      return 0;
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    output.err(`audit-verify failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
