import { type KycStatus, type KycTier, type TierLimits } from '@kasho/contracts';
import { type AccountConfig } from '../config';

/** A verified customer is tier 1; anyone else (none, pending, rejected) tier 0: a small balance, no payouts. */
export function tierOf(status: KycStatus): KycTier {
  return status === 'verified' ? 'tier1' : 'tier0';
}

export function limitsOf(tier: KycTier, config: AccountConfig): TierLimits {
  if (tier === 'tier1') {
    return {
      maxBalance: String(config.LIMITS_TIER1_MAX_BALANCE),
      maxSinglePayment: String(config.LIMITS_TIER1_MAX_SINGLE_PAYMENT),
      dailyOutgoing: String(config.LIMITS_TIER1_DAILY_OUTGOING),
      monthlyOutgoing: String(config.LIMITS_TIER1_MONTHLY_OUTGOING),
      payoutsAllowed: true,
    };
  }
  return {
    maxBalance: String(config.LIMITS_TIER0_MAX_BALANCE),
    maxSinglePayment: String(config.LIMITS_TIER0_MAX_SINGLE_PAYMENT),
    dailyOutgoing: String(config.LIMITS_TIER0_DAILY_OUTGOING),
    monthlyOutgoing: String(config.LIMITS_TIER0_MONTHLY_OUTGOING),
    payoutsAllowed: false,
  };
}
