import { stdSerializers } from 'pino';

/** What a secret or a piece of PII is replaced with in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose value is never logged, compared after normalisation (lower case, only letters and digits), so that
 * `access_token`, `Access-Token` and `accessToken` are one key. These are also turned into pino `redact` paths.
 */
const SENSITIVE_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'mfaToken',
  'secret',
  'clientSecret',
  'apiKey',
  'privateKey',
  'otp',
  'totp',
  'recoveryCodes',
  'cvc',
  'cvv',
  'pan',
  'cardNumber',
  'iban',
  'email',
  'phone',
  'phoneNumber',
  'fullName',
  'holderName',
  'dateOfBirth',
] as const;

/** Key endings that are sensitive whatever comes before them: `resetToken`, `webhookSecret`, `recipientEmail`. */
const SENSITIVE_SUFFIX =
  /(password|passwd|passphrase|secret|secrets|token|tokens|apikey|privatekey|cvc|cvv|cardnumber|iban|email|phone|phonenumber)$/;

const normalise = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const sensitiveKeys = new Set<string>(SENSITIVE_KEYS.map(normalise));

export function isSensitiveKey(key: string, parentKey?: string): boolean {
  const normalised = normalise(key);
  if (sensitiveKeys.has(normalised) || SENSITIVE_SUFFIX.test(normalised)) return true;
  // `number` is only a card number under a card (`card.number`, `sourceCard.number`).
  return normalised === 'number' && parentKey !== undefined && /cards?$/.test(normalise(parentKey));
}

/**
 * pino `redact` paths for the sensitive keys at the top level and two levels down (`password`, `*.password`,
 * `*.*.password`, `req.headers.authorization` …). The deep scrubber below covers any depth; these paths are the
 * second line of defence should a value ever reach pino without passing through it.
 */
export function redactPaths(): string[] {
  const keys = new Set<string>(SENSITIVE_KEYS);
  for (const key of SENSITIVE_KEYS) {
    // HTTP header names arrive lower-cased.
    if (!key.includes('-')) keys.add(key.toLowerCase());
  }
  const paths: string[] = [];
  for (const key of keys) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (const prefix of ['', '*', '*.*']) {
      if (prefix === '') paths.push(segment);
      else paths.push(segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`);
    }
  }
  paths.push('card.number', '*.card.number', '*.*.card.number');
  return paths;
}

// ---------------------------------------------------------------------------------------------------------------
// Value-level scrubbing: secrets and PII inside free text (messages, error messages, stack traces).

const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Upper case, compact (DE89370400440532013000) or printed in groups of four (DE89 3704 0044 0532 0130 00).
const IBAN =
  /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?![A-Za-z0-9])/g;
// A run of at least 13 digits, single spaces or dashes allowed between them.
const DIGIT_RUN = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,}(?![0-9])/g;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

const isCardLength = (digits: string): boolean => digits.length >= 13 && digits.length <= 19;

/**
 * A run of digits holds a card number when the whole run, or any span of its space/dash separated groups, has
 * 13 to 19 digits and passes Luhn. Looking at group-aligned spans catches a card written next to other numbers
 * ("4111 1111 1111 1111 12/29") without treating every long id as a card.
 */
function holdsCardNumber(run: string): boolean {
  const groups = run.split(/[ -]/);
  for (let start = 0; start < groups.length; start++) {
    let digits = '';
    for (let end = start; end < groups.length; end++) {
      digits += groups[end];
      if (digits.length > 19) break;
      if (isCardLength(digits) && passesLuhn(digits)) return true;
    }
  }
  return false;
}

/** Replaces card numbers, IBANs, email addresses, bearer/basic credentials and JWTs inside a string. */
export function scrubString(text: string): string {
  if (text.length < 6) return text;
  return text
    .replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(EMAIL, REDACTED)
    .replace(IBAN, REDACTED)
    .replace(DIGIT_RUN, (run) => (holdsCardNumber(run) ? REDACTED : run));
}

const MAX_DEPTH = 10;

/**
 * A copy of `value` that is safe to log: sensitive keys redacted at any depth, strings scrubbed, errors serialised
 * (pino's error serializer, then scrubbed: messages and stacks often quote the input that failed).
 */
export function scrubValue(value: unknown): unknown {
  return scrub(value, undefined, 0, new WeakSet<object>());
}

function scrub(value: unknown, parentKey: string | undefined, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[Binary]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const serialised = stdSerializers.err(value) as unknown as Record<string, unknown>;
      return scrubRecord(serialised, parentKey, depth, seen);
    }
    if (Array.isArray(value)) return value.map((item) => scrub(item, parentKey, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return scrub((toJSON as () => unknown).call(value), parentKey, depth + 1, seen);
    }
    if (value instanceof Map || value instanceof Set) return value;
    return scrubRecord(value as Record<string, unknown>, parentKey, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function scrubRecord(
  record: Record<string, unknown>,
  ownKey: string | undefined,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const item = record[key];
    copy[key] =
      item !== undefined && isSensitiveKey(key, ownKey) ? REDACTED : scrub(item, key, depth + 1, seen);
  }
  return copy;
}
