import { type ClientTokenRequest } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { tokenRequestForm } from './dto/token-request.dto';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

// RFC 6749 section 3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;
const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;
const MAX_CLIENT_ID = 255;
const MAX_CLIENT_SECRET = 1024;

type TokenRequest = Omit<ClientTokenRequest, 'client'>;

function invalidRequest(detail: string): DomainError {
  return new DomainError(ErrorCode.OAuthInvalidRequest, detail);
}

function invalidClient(detail = 'Client authentication failed.'): DomainError {
  return new DomainError(ErrorCode.OAuthInvalidClient, detail);
}

/**
 * The client-credentials token request (RFC 6749 section 4.4) from the form body and the `Authorization` header,
 * before the auth service checks the client: the form's shape, and exactly one client authentication method.
 * Throws DomainErrors with the RFC 6749 codes.
 */
export function parseTokenRequest(
  contentType: string | undefined,
  authorization: string | undefined,
  body: unknown,
): TokenRequest {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM_CONTENT_TYPE)
    throw invalidRequest(`Send the token request as ${FORM_CONTENT_TYPE} (RFC 6749 section 4.4.2).`);
  const form = formParameters(body);
  const parsed = tokenRequestForm.safeParse(form);
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]?.path[0] ?? 'the form');
    throw invalidRequest(`The parameter ${name} is missing or not valid.`);
  }
  const { grant_type: grantType, scope, client_id: postId, client_secret: postSecret } = parsed.data;
  if (scope !== undefined && !SCOPE.test(scope)) {
    throw new DomainError(ErrorCode.OAuthInvalidScope, 'The scope is malformed.');
  }
  const credentials =
    authorization !== undefined && authorization !== ''
      ? basicCredentials(authorization, postId !== undefined || postSecret !== undefined)
      : checkedCredentials(postId, postSecret);
  return { grantType, ...credentials, ...(scope === undefined ? {} : { scope }) };
}

/**
 * The form as single-valued parameters: a repeated one is invalid (RFC 6749 section 3.2), and one sent without a
 * value counts as omitted (section 3.1).
 */
function formParameters(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== 'string') throw invalidRequest(`The parameter ${name} must be sent once.`);
    if (value !== '') form[name] = value;
  }
  return form;
}

/** client_secret_basic: RFC 6749 section 2.3.1 form-urlencodes the id and the secret before Base64. */
function basicCredentials(
  authorization: string,
  alsoInBody: boolean,
): { clientId: string; clientSecret: string } {
  if (alsoInBody)
    throw invalidRequest(
      'Use one client authentication method: HTTP Basic or client_id/client_secret, not both.',
    );
  const encoded = BASIC.exec(authorization)?.[1];
  if (encoded === undefined) throw invalidClient('Use HTTP Basic or client_secret_post to authenticate.');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient();
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  return checkedCredentials(clientId, clientSecret);
}

function checkedCredentials(
  clientId: string | undefined,
  clientSecret: string | undefined,
): { clientId: string; clientSecret: string } {
  if (clientId === undefined || clientId === '' || clientSecret === undefined || clientSecret === '')
    throw invalidClient();
  if (clientId.length > MAX_CLIENT_ID || clientSecret.length > MAX_CLIENT_SECRET) throw invalidClient();
  return { clientId, clientSecret };
}

/** application/x-www-form-urlencoded decoding of one value; undefined when it is not valid percent-encoding. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
