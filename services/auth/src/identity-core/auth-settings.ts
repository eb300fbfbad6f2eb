import { type AuthConfig } from '../config';

/** The validated service config, injected where identity rules need their settings. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
export type { AuthConfig };
