/** The gateway's edge policy, from config: rate-limit budgets, how to find the client's address, CORS. */
export interface EdgeOptions {
  ipPerMinute: number;
  userPerMinute: number;
  trustProxy: boolean;
  corsAllowedOrigins: readonly string[];
}

export const EDGE_OPTIONS = 'kasho:gateway-edge-options';

/** `CORS_ALLOWED_ORIGINS`: comma-separated origins; blanks dropped, a trailing slash ignored. */
export function parseAllowedOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter((origin) => origin !== '');
}
