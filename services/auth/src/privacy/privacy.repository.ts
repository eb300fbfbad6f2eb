import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

export interface UserExportRow {
  id: string;
  email: string;
  full_name: string;
  roles: string[];
  email_verified_at: Date | null;
  created_at: Date;
  mfa_enabled: boolean;
}

export interface SessionExportRow {
  id: string;
  created_at: Date;
  last_used_at: Date;
  ip: string | null;
  user_agent: string | null;
  amr: string[];
  revoked_at: Date | null;
  revoke_reason: string | null;
}

export interface SignInRow {
  occurred_at: Date;
  action: string;
  outcome: string;
  ip: string | null;
}

/** What the auth service holds about one user, read for an export or rewritten by an erasure. */
@Injectable()
export class PrivacyRepository {
  async user(manager: EntityManager, userId: string): Promise<UserExportRow | undefined> {
    const [row] = await manager.query<UserExportRow[]>(
      'SELECT u."id", u."email", u."full_name", u."roles", u."email_verified_at", u."created_at", ' +
        '(f."enabled_at" IS NOT NULL) AS "mfa_enabled" FROM "users" u ' +
        'LEFT JOIN "mfa" f ON f."user_id" = u."id" WHERE u."id" = $1',
      [userId],
    );
    return row;
  }

  sessions(manager: EntityManager, userId: string): Promise<SessionExportRow[]> {
    return manager.query<SessionExportRow[]>(
      'SELECT "id", "created_at", "last_used_at", "ip", "user_agent", "amr", "revoked_at", "revoke_reason" ' +
        'FROM "sessions" WHERE "user_id" = $1 ORDER BY "created_at"',
      [userId],
    );
  }

  /** Sign-ins and their failures as the audit trail recorded them (the login history). */
  signIns(manager: EntityManager, userId: string): Promise<SignInRow[]> {
    return manager.query<SignInRow[]>(
      'SELECT "occurred_at", "action", "outcome", host("ip") AS "ip" FROM "audit_log" ' +
        'WHERE "actor_id" = $1 AND "action" LIKE \'auth.login%\' ORDER BY "sequence"',
      [userId],
    );
  }

  /**
   * Pseudonymises the user row (the email and name become placeholders, the password can never match) and
   * deletes their MFA material and one-time tokens; session rows lose their address and user agent. The audit
   * trail keeps its ids (it holds no personal data and cannot be edited).
   */
  async pseudonymise(manager: EntityManager, userId: string, now: Date): Promise<boolean> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      'UPDATE "users" SET "email" = $2, "full_name" = \'\', "password_hash" = \'!erased\', ' +
        '"email_verified_at" = NULL, "updated_at" = $3 WHERE "id" = $1 RETURNING "id"',
      [userId, `erased+${userId}@erased.invalid`, now],
    );
    if (rows.length === 0) return false;
    await manager.query('DELETE FROM "recovery_codes" WHERE "user_id" = $1', [userId]);
    await manager.query('DELETE FROM "mfa" WHERE "user_id" = $1', [userId]);
    await manager.query('DELETE FROM "mfa_challenges" WHERE "user_id" = $1', [userId]);
    await manager.query('DELETE FROM "one_time_tokens" WHERE "user_id" = $1', [userId]);
    await manager.query('UPDATE "sessions" SET "ip" = NULL, "user_agent" = NULL WHERE "user_id" = $1', [
      userId,
    ]);
    return true;
  }
}
