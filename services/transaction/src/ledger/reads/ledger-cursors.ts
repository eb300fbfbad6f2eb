// The opaque `cursor`s of the ledger's lists: base64url of a small versioned text naming the last item returned.
// A decoder accepts only the exact spelling an encoder produced (round-trip), so a cursor is either one this
// service issued or refused.

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEQUENCE = /^[1-9][0-9]{0,18}$/;
const MAX_SEQUENCE = 2n ** 63n - 1n;
const MAX_CURSOR_LENGTH = 128;

function decode(cursor: string): string | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return Buffer.from(text, 'utf8').toString('base64url') === cursor ? text : undefined;
}

/** A statement page ends at (account, sequence): the next page holds that account's lines below `sequence`. */
export function encodeStatementCursor(accountId: string, sequence: string): string {
  return Buffer.from(`s1:${accountId.toLowerCase()}:${sequence}`, 'utf8').toString('base64url');
}

/** The sequence a statement cursor names for `accountId`, or undefined when it is not one issued for it. */
export function decodeStatementCursor(cursor: string, accountId: string): string | undefined {
  const text = decode(cursor);
  const parts = text?.split(':');
  if (parts === undefined || parts.length !== 3 || parts[0] !== 's1') return undefined;
  const [, account, sequence] = parts as [string, string, string];
  if (!UUID.test(account) || account !== accountId.toLowerCase()) return undefined;
  if (!SEQUENCE.test(sequence) || BigInt(sequence) > MAX_SEQUENCE) return undefined;
  return sequence;
}

/** An accounts page ends at an id: the next page holds the ids above it (in the filter the client sends again). */
export function encodeAccountsCursor(lastId: string): string {
  return Buffer.from(`a1:${lastId.toLowerCase()}`, 'utf8').toString('base64url');
}

/** The id an accounts cursor names, or undefined when it is not one this list issued. */
export function decodeAccountsCursor(cursor: string): string | undefined {
  const text = decode(cursor);
  if (text === undefined || !text.startsWith('a1:')) return undefined;
  const id = text.slice(3);
  return UUID.test(id) ? id : undefined;
}
