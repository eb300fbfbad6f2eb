import { IS_PUBLIC } from '@kasho/observability';
import { AccessTokenError, type AccessTokenClaims, type AccessTokenVerifier } from '@kasho/security';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest } from './access-claims';
import { ACCESS_TOKEN_VERIFIER } from './auth.tokens';
import { UserBudget } from '../edge/user-budget';
import { SessionRevocationCheck } from './session-revocation.check';

interface BearerRequest extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface ChallengeReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

// RFC 6750 b64token after the scheme; the scheme itself is case-insensitive (RFC 9110).
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * The gateway's one authentication gate (APP_GUARD): `@Public()` routes pass; every other route needs
 * `Authorization: Bearer <access token>` that the auth service's keys verify, from a session that is not on the
 * revocation list (one Redis EXISTS; 503 when Redis cannot tell, never a pass). A refusal is one generic 401 with
 * `WWW-Authenticate: Bearer`; why it was refused goes to the debug log, and the token never goes anywhere.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly logger = new Logger('AccessTokens');

  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocationCheck,
    // Absent only in test apps built without the edge.
    @Optional() private readonly budget?: UserBudget,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Synchronously: a public route should not pay for a promise.
    if (isPublic === true) return true;
    return this.authenticate(context);
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<BearerRequest>();
    const reply = http.getResponse<ChallengeReply>();
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      // No credentials at all: the bare challenge (RFC 6750 section 3.1 omits the error code here).
      reply.header('www-authenticate', 'Bearer');
      return this.refuse('missing_token');
    }
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (token === undefined) {
      reply.header('www-authenticate', 'Bearer error="invalid_request"');
      return this.refuse('not_bearer');
    }
    let claims: AccessTokenClaims;
    try {
      claims = await this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      this.logger.debug(`access token refused: ${error.reason}`);
      throw error;
    }
    // A revoked session's tokens stop at once, not at expiry; if that cannot be checked, the check throws 503.
    // The user's rate budget is spent at the same time: two Redis round trips that overlap instead of queueing.
    const [revoked] = await Promise.all([
      this.revocations.isRevoked(claims.sid),
      this.budget?.spend(claims.sub, reply),
    ]);
    if (revoked) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      this.logger.debug('access token refused: session revoked');
      // The same answer as any other bad token.
      throw new AccessTokenError('invalid_claim');
    }
    request.accessToken = claims;
    return true;
  }

  private refuse(reason: string): never {
    this.logger.debug(`access token refused: ${reason}`);
    // Same code and detail as every other refusal, so the answer says nothing about which check failed.
    throw new AccessTokenError('malformed');
  }
}
