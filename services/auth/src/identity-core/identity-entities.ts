import { RefreshTokenEntity } from '../sessions/refresh-token.entity';
import { SessionEntity } from '../sessions/session.entity';
import { MfaChallengeEntity } from '../two-factor/mfa-challenge.entity';
import { RecoveryCodeEntity } from '../two-factor/recovery-code.entity';
import { TotpFactorEntity } from '../two-factor/totp-factor.entity';
import { OneTimeTokenEntity } from '../users/one-time-token.entity';
import { UserEntity } from '../users/user.entity';

/** The identity tables (CreateIdentityTables1764500000000 builds them). */
export const IDENTITY_ENTITIES = [
  UserEntity,
  OneTimeTokenEntity,
  SessionEntity,
  RefreshTokenEntity,
  TotpFactorEntity,
  RecoveryCodeEntity,
  MfaChallengeEntity,
];
