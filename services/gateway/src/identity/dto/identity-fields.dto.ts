import { z } from 'zod';

// Shape limits only: the auth service applies the real rules (password policy, email normalisation, codes).

export const emailField = z
  .string()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'Must be an email address.')
  .meta({ format: 'email', example: 'ada@example.com' });

/** At most 1024 characters here; the auth service's policy decides what is acceptable. */
export const passwordField = z.string().min(1).max(1024);

/** An emailed one-time token (email verification, password reset). */
export const oneTimeTokenField = z.string().min(1).max(512);

/** A TOTP code or a recovery code. */
export const codeField = z.string().min(1).max(64);
