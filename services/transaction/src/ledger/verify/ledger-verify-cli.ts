import { verifyAuditChain } from '@kasho/audit';
import { type DataSource } from 'typeorm';
import { verifyLedger } from './verify-ledger';

export interface LedgerVerifyCliOutput {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: LedgerVerifyCliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const LEDGER_VERIFY_CLI_USAGE = [
  'usage: ledger-verify [--batch-size <n>]',
  '  walks the ledger hash chain (ledger_batches and their transfers) and the audit chain in order,',
  '  reports the first broken link, and checks that every currency sums to zero (posted and pending)',
  '  exit status: 0 intact, 1 broken or unbalanced (or the check failed), 2 bad usage',
].join('\n');

/** The body of `src/ledger-verify.ts`; answers the exit status (0 intact, 1 broken or failed, 2 bad usage). */
export async function runLedgerVerifyCli(
  buildDataSource: () => DataSource,
  argv: readonly string[] = process.argv.slice(2),
  output: LedgerVerifyCliOutput = processOutput,
): Promise<0 | 1 | 2> {
  if (argv[0] === 'help' || argv[0] === '--help') {
    output.out(LEDGER_VERIFY_CLI_USAGE);
    return 0;
  }
  let batchSize: number | undefined;
  if (argv.length > 0) {
    const value = Number(argv[1]);
    if (argv.length !== 2 || argv[0] !== '--batch-size' || !Number.isInteger(value) || value <= 0) {
      output.err(LEDGER_VERIFY_CLI_USAGE);
      return 2;
    }
    batchSize = value;
  }
  try {
    const dataSource = buildDataSource();
    await dataSource.initialize();
    try {
      let status: 0 | 1 = 0;
      const ledger = await verifyLedger(dataSource, batchSize);
      if (ledger.chain.ok) {
        output.out(
          ledger.chain.head
            ? `ledger chain intact: ${ledger.chain.links} links, ${ledger.chain.transfers} transfers, ` +
                `head ${ledger.chain.head.sequence} ${ledger.chain.head.hash}`
            : 'ledger chain intact: no transfers yet',
        );
      } else {
        status = 1;
        output.err(
          `ledger chain BROKEN at link ${ledger.chain.brokenAt} (${ledger.chain.reason}): ${ledger.chain.message}`,
        );
        output.err(`${ledger.chain.links} links before it are intact`);
      }
      for (const c of ledger.currencies) {
        const line =
          `${c.currency}: debits posted ${c.debitsPosted}, credits posted ${c.creditsPosted}, ` +
          `debits pending ${c.debitsPending}, credits pending ${c.creditsPending}`;
        if (c.balanced) output.out(`${line}: balanced`);
        else {
          status = 1;
          output.err(`${line}: NOT BALANCED`);
        }
      }
      if (ledger.orphanTransfers > 0) {
        status = 1;
        output.err(
          `${ledger.orphanTransfers} transfers name a ledger account or chain link that does not exist`,
        );
      }
      const audit = await verifyAuditChain(dataSource, { batchSize });
      if (audit.ok) {
        output.out(`audit chain intact: ${audit.entries} entries`);
      } else {
        status = 1;
        output.err(`audit chain BROKEN at sequence ${audit.brokenAt} (${audit.reason}): ${audit.message}`);
      }
      return status;
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    output.err(`ledger-verify failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
