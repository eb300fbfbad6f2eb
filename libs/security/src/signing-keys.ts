import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The asymmetric algorithms Kasho signs access tokens with. No HMAC: verifiers must never hold a signing secret. */
export type SigningAlgorithm = 'EdDSA' | 'ES256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256'];

/**
 * What a `kid` may look like. Checked before any lookup, so a kid carrying a path or SQL never reaches a cache,
 * a log line or a database. RFC 7638 thumbprints (SHA-256, base64url: 43 characters) fit.
 */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The public half of a signing key as JWKS serves it: only public members. */
export interface PublicSigningJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  /** RFC 3339 UTC. */
  createdAt: string;
  /** Secret. Never log it; it leaves the process only through `serializeKeySet`. */
  privateJwk: JWK;
  publicJwk: PublicSigningJwk;
}

/** The signing keys of the auth service: `current` signs, `previous` (newest first) still verify. */
export interface KeySet {
  current: SigningKey;
  previous: SigningKey[];
}

export interface JsonWebKeySet {
  keys: PublicSigningJwk[];
}

export class InvalidKeySetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeySetError';
  }
}

const CURVE_FOR: Record<SigningAlgorithm, { kty: 'OKP' | 'EC'; crv: 'Ed25519' | 'P-256' }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** The algorithm a public JWK's key type and curve imply, or undefined for anything else (RSA, oct, other curves). */
export function algorithmForJwk(jwk: { kty?: unknown; crv?: unknown }): SigningAlgorithm | undefined {
  for (const alg of SIGNING_ALGORITHMS) {
    if (jwk.kty === CURVE_FOR[alg].kty && jwk.crv === CURVE_FOR[alg].crv) return alg;
  }
  return undefined;
}

/** Copies only the public members, so a private member (`d`) cannot slip through whatever the input holds. */
function publicPart(jwk: JWK, kid: string, alg: SigningAlgorithm): PublicSigningJwk {
  const { kty, crv } = CURVE_FOR[alg];
  if (typeof jwk.x !== 'string') throw new InvalidKeySetError(`key ${kid}: missing "x"`);
  if (kty === 'EC' && typeof jwk.y !== 'string') throw new InvalidKeySetError(`key ${kid}: missing "y"`);
  return { kty, crv, x: jwk.x, ...(kty === 'EC' ? { y: jwk.y } : {}), kid, alg, use: 'sig' };
}

/** A new key pair; its `kid` defaults to the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(
  alg: SigningAlgorithm,
  kid?: string,
  now: Date = new Date(),
): Promise<SigningKey> {
  if (!isSigningAlgorithm(alg)) throw new InvalidKeySetError(`unsupported signing algorithm`);
  const { privateKey } = await generateKeyPair(alg, { crv: CURVE_FOR[alg].crv, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const keyId = kid ?? (await calculateJwkThumbprint(privateJwk, 'sha256'));
  if (!KID_PATTERN.test(keyId)) throw new InvalidKeySetError('kid must match ' + String(KID_PATTERN));
  return {
    kid: keyId,
    alg,
    createdAt: now.toISOString(),
    privateJwk: { ...privateJwk, kid: keyId, alg },
    publicJwk: publicPart(privateJwk, keyId, alg),
  };
}

/** A keyset with one fresh key: what a first local run generates. */
export async function createKeySet(alg: SigningAlgorithm = 'EdDSA'): Promise<KeySet> {
  return { current: await generateSigningKey(alg), previous: [] };
}

export interface RotateOptions {
  /** Algorithm of the new key; defaults to the current key's. */
  alg?: SigningAlgorithm;
  /** How many keys the set keeps in all, current included (at least 2, default 2). */
  maxKeys?: number;
  /** Use this key instead of generating one (tests, or a key made elsewhere). */
  next?: SigningKey;
}

/**
 * Makes a new key current. The old current becomes the newest previous key, so tokens it signed keep verifying
 * until they expire; keys beyond `maxKeys` are dropped and their tokens stop verifying.
 */
export async function rotateKeySet(keyset: KeySet, options: RotateOptions = {}): Promise<KeySet> {
  const maxKeys = options.maxKeys ?? 2;
  if (!Number.isInteger(maxKeys) || maxKeys < 2)
    throw new InvalidKeySetError('maxKeys must be an integer >= 2');
  const next = options.next ?? (await generateSigningKey(options.alg ?? keyset.current.alg));
  const known = [keyset.current, ...keyset.previous];
  if (known.some((key) => key.kid === next.kid))
    throw new InvalidKeySetError(`kid ${next.kid} is already in the set`);
  return { current: next, previous: known.slice(0, maxKeys - 1) };
}

/** The JWKS document: public members of the current and previous keys, never a private one. */
export function publicJwks(keyset: KeySet): JsonWebKeySet {
  return {
    keys: [keyset.current, ...keyset.previous].map((key) => publicPart(key.publicJwk, key.kid, key.alg)),
  };
}

interface SerializedKeySet {
  version: 1;
  current: SerializedKey;
  previous: SerializedKey[];
}

interface SerializedKey {
  kid: string;
  alg: SigningAlgorithm;
  createdAt: string;
  privateJwk: JWK;
}

/** The keyset as one JSON string for an env var or a secret file. It holds private keys: treat it as a secret. */
export function serializeKeySet(keyset: KeySet): string {
  const toSerialized = ({ kid, alg, createdAt, privateJwk }: SigningKey): SerializedKey => ({
    kid,
    alg,
    createdAt,
    privateJwk,
  });
  const value: SerializedKeySet = {
    version: 1,
    current: toSerialized(keyset.current),
    previous: keyset.previous.map(toSerialized),
  };
  return JSON.stringify(value);
}

/**
 * Reads a keyset written by `serializeKeySet`. Fails with a message naming what is wrong, never echoing key
 * material. The public half is derived from the private JWK, so the two cannot disagree.
 */
export function parseKeySet(text: string): KeySet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidKeySetError('keyset is not valid JSON');
  }
  if (!isRecord(value) || value.version !== 1)
    throw new InvalidKeySetError('keyset must be an object with version 1');
  if (!Array.isArray(value.previous)) throw new InvalidKeySetError('keyset.previous must be an array');
  const current = parseKey(value.current, 'current');
  const previous = value.previous.map((key, index) => parseKey(key, `previous[${index}]`));
  const kids = new Set([current, ...previous].map((key) => key.kid));
  if (kids.size !== previous.length + 1) throw new InvalidKeySetError('keyset holds a kid twice');
  return { current, previous };
}

function parseKey(value: unknown, where: string): SigningKey {
  if (!isRecord(value)) throw new InvalidKeySetError(`${where} must be an object`);
  const { kid, alg, createdAt, privateJwk } = value;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid))
    throw new InvalidKeySetError(`${where}.kid is invalid`);
  if (!isSigningAlgorithm(alg)) throw new InvalidKeySetError(`${where}.alg must be EdDSA or ES256`);
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw new InvalidKeySetError(`${where}.createdAt must be an RFC 3339 time`);
  }
  if (!isRecord(privateJwk) || typeof privateJwk.d !== 'string') {
    throw new InvalidKeySetError(`${where}.privateJwk must be a private JWK`);
  }
  if (algorithmForJwk(privateJwk) !== alg)
    throw new InvalidKeySetError(`${where}.privateJwk does not match ${alg}`);
  // kty, crv and d are checked above; x and y by publicPart.
  const jwk = privateJwk as unknown as JWK;
  return { kid, alg, createdAt, privateJwk: { ...jwk, kid, alg }, publicJwk: publicPart(jwk, kid, alg) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
