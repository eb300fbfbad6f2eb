import { type PostalAddress } from '@kasho/contracts';

/** `Ana Maria Silva` → `A*** M*** S***`. */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  return name
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => `${[...word][0]}***`)
    .join(' ');
}

/** `ana.silva@example.com` → `a***@example.com`. */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

/** `+33612345678` → `+33*******78`. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  if (phone.length <= 5) return '***';
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`;
}

/** Only the country is shown. */
export function maskAddress(address: PostalAddress | null): PostalAddress | null {
  if (!address) return address;
  return { line1: '***', city: '***', postalCode: '***', country: address.country };
}

/** `1990-04-12` → `1990-**-**`. */
export function maskDate(date: string | null): string | null {
  return date ? `${date.slice(0, 4)}-**-**` : date;
}
