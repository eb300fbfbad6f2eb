import { type ClientTokenResponse } from '@kasho/contracts';
import { z } from 'zod';

/**
 * The token request's form (RFC 6749 section 4.4.2). Unknown parameters are ignored, as RFC 6749 section 3.2
 * requires; the client authenticates either here (`client_secret_post`) or with HTTP Basic
 * (`client_secret_basic`), never both.
 */
export const tokenRequestForm = z.object({
  grant_type: z
    .string()
    .max(64)
    .meta({ description: 'Only `client_credentials`', example: 'client_credentials' }),
  scope: z
    .string()
    .max(1024)
    .optional()
    .meta({ description: 'Space-separated scopes; absent means every scope the client is granted' }),
  client_id: z.string().max(255).optional().meta({ description: 'client_secret_post only' }),
  client_secret: z.string().max(1024).optional().meta({ description: 'client_secret_post only' }),
});

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int().meta({ description: 'Seconds until the access token expires' }),
  scope: z.string(),
}) satisfies z.ZodType<ClientTokenResponse>;

/** RFC 6749 section 5.2: the token endpoint's errors are this, not problem+json. */
export const oauthErrorResponse = z.object({
  error: z.enum([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'invalid_scope',
    'unauthorized_client',
    'unsupported_grant_type',
    'server_error',
    'temporarily_unavailable',
  ]),
  error_description: z.string().optional(),
});
