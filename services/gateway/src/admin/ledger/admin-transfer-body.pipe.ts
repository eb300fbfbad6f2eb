import { DomainError, ErrorCode } from '@kasho/errors';
import { parseAmount, parseCurrency } from '@kasho/money';
import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { fieldErrorsOf } from '../../validation/field-errors';
import { adminTransferBody, type AdminTransferBody } from './dto/admin-ledger.dto';
import { SUPPORTED_CURRENCIES } from './admin-ledger.tokens';

/**
 * The body of a back-office transfer: money first, with the platform's codes (422 `invalid_amount` for anything but
 * a canonical positive string of minor units, 422 `invalid_currency` for anything but a supported upper-case code),
 * then the rest of the shape (422 `validation_failed`, a JSON Pointer per field). A refusal here comes before any
 * work, so the Idempotency-Key is released.
 */
@Injectable()
export class AdminTransferBodyPipe implements PipeTransform<unknown, AdminTransferBody> {
  constructor(@Inject(SUPPORTED_CURRENCIES) private readonly supported: readonly string[]) {}

  transform(value: unknown): AdminTransferBody {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const fields = value as Record<string, unknown>;
      parseAmount(fields.amount);
      parseCurrency(fields.currency, { supported: this.supported });
    }
    const result = adminTransferBody.safeParse(value);
    if (result.success) return result.data;
    throw new DomainError(ErrorCode.ValidationFailed, 'The request body is not valid.', {
      errors: fieldErrorsOf(result.error),
    });
  }
}
