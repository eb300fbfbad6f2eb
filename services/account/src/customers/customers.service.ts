import {
  accountEvents,
  type CallerContext,
  type CustomerProfile,
  type EventEnvelope,
  type ProfileView,
  type UpdateProfileRequest,
  type UserRegisteredPayload,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BlindIndex, normalizeEmail } from '../crypto/blind-index';
import { type CustomerEntity } from './customer.entity';
import { CustomerVault, type DataKey } from './customer-vault';
import { CustomersRepository } from './customers.repository';
import { parseProfileChanges } from './profile-validation';

const EMPTY_PROFILE: CustomerProfile = { fullName: null, phone: null, address: null, dateOfBirth: null };

/** What a customer row holds, opened with their data key (null fields once erased). */
export interface OpenedCustomer {
  row: CustomerEntity;
  email: string | null;
  profile: CustomerProfile;
}

const notFound = () => new DomainError(ErrorCode.NotFound, 'No such customer.');

/**
 * Customers: created from the identity event (or on first use, whichever comes first), their profile sealed under
 * their own data key, blind indexes kept in step with it. Owns the sealing and opening of personal data.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly vault: CustomerVault,
    private readonly index: BlindIndex,
    private readonly outbox: Outbox,
  ) {}

  /**
   * The customer row exists (with a data key) after this, in the caller's transaction; `customer.created` is
   * published once, by whichever call created it. An erased customer stays erased (null).
   */
  async ensure(manager: EntityManager, customerId: string, now: Date): Promise<CustomerEntity> {
    if (await this.customers.insertIfMissing(manager, customerId, now)) {
      await this.vault.createKey(manager, customerId);
      await this.outbox.enqueue(manager, accountEvents.customerCreated, {
        customerId,
        createdAt: now.toISOString(),
      });
    }
    const row = await this.customers.lock(manager, customerId);
    if (!row) throw new Error('customer row vanished inside its transaction');
    return row;
  }

  /** `auth.user.registered.v1`, through the inbox: email and name sealed, indexes written. A redelivery is a no-op. */
  async onUserRegistered(
    envelope: EventEnvelope<UserRegisteredPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const { userId, email, fullName } = envelope.payload;
    const now = new Date();
    const row = await this.ensure(manager, userId, now);
    if (row.status === 'erased') return;
    const key = await this.requireKey(manager, userId);
    const current = this.openProfile(key, row);
    const profile: CustomerProfile = { ...current, fullName: current.fullName ?? (fullName?.trim() || null) };
    await this.customers.updatePii(
      manager,
      userId,
      {
        emailEnc: this.vault.sealJson(key, 'email', normalizeEmail(email)),
        emailBidx: this.index.email(email),
        ...this.profileColumns(key, profile),
      },
      now,
    );
  }

  async getProfile(caller: CallerContext): Promise<ProfileView> {
    const userId = requireUserId(caller);
    const now = new Date();
    return withTransaction(this.dataSource, async (manager) => {
      const row = await this.ensure(manager, userId, now);
      return this.view(await this.open(manager, row));
    });
  }

  async updateProfile(request: UpdateProfileRequest): Promise<ProfileView> {
    const userId = requireUserId(request);
    const changes = parseProfileChanges(request.changes);
    const now = new Date();
    return withTransaction(this.dataSource, async (manager) => {
      const row = await this.ensure(manager, userId, now);
      if (row.status === 'erased') throw notFound();
      const key = await this.requireKey(manager, userId);
      const profile = { ...this.openProfile(key, row), ...changes };
      await this.customers.updatePii(manager, userId, this.profileColumns(key, profile), now);
      const updated = await this.customers.find(manager, userId);
      if (!updated) throw notFound();
      return this.view(await this.open(manager, updated));
    });
  }

  /** The customer's personal data in clear, for the owner, the export or an audited staff read. */
  async open(manager: EntityManager, row: CustomerEntity): Promise<OpenedCustomer> {
    const key = await this.vault.dataKey(manager, row.id);
    if (!key) return { row, email: null, profile: EMPTY_PROFILE };
    return {
      row,
      email: row.emailEnc ? this.vault.openJson<string>(key, 'email', row.emailEnc) : null,
      profile: this.openProfile(key, row),
    };
  }

  view(opened: OpenedCustomer): ProfileView {
    return {
      id: opened.row.id,
      email: opened.email,
      ...opened.profile,
      kycStatus: opened.row.kycStatus,
      createdAt: opened.row.createdAt.toISOString(),
      updatedAt: opened.row.updatedAt.toISOString(),
    };
  }

  private openProfile(key: DataKey, row: CustomerEntity): CustomerProfile {
    if (!row.profileEnc) return EMPTY_PROFILE;
    return { ...EMPTY_PROFILE, ...this.vault.openJson<CustomerProfile>(key, 'profile', row.profileEnc) };
  }

  private profileColumns(key: DataKey, profile: CustomerProfile) {
    return {
      profileEnc: this.vault.sealJson(key, 'profile', profile),
      phoneBidx: profile.phone ? this.index.phone(profile.phone) : null,
      nameTokens: profile.fullName ? this.index.nameTokens(profile.fullName) : null,
    };
  }

  private async requireKey(manager: EntityManager, customerId: string): Promise<DataKey> {
    const key = await this.vault.dataKey(manager, customerId);
    if (!key) throw notFound();
    return key;
  }
}

export function requireUserId(caller: { userId?: unknown }): string {
  if (typeof caller?.userId !== 'string' || !/^[0-9a-f-]{36}$/i.test(caller.userId))
    throw new DomainError(ErrorCode.Unauthorized, 'The caller is not known.');
  return caller.userId.toLowerCase();
}
