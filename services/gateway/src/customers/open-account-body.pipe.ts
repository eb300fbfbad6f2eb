import { DomainError, ErrorCode } from '@kasho/errors';
import { parseCurrency } from '@kasho/money';
import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { SUPPORTED_CURRENCIES } from '../admin/ledger/admin-ledger.tokens';
import { fieldErrorsOf } from '../validation/field-errors';
import { openAccountBody, type OpenAccountBody } from './dto/customers.dto';

/** `POST /v1/accounts`: the currency first (422 `invalid_currency`), then the shape (422 `validation_failed`). */
@Injectable()
export class OpenAccountBodyPipe implements PipeTransform<unknown, OpenAccountBody> {
  constructor(@Inject(SUPPORTED_CURRENCIES) private readonly supported: readonly string[]) {}

  transform(value: unknown): OpenAccountBody {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      parseCurrency((value as Record<string, unknown>).currency, { supported: this.supported });
    const result = openAccountBody.safeParse(value);
    if (result.success) return result.data;
    throw new DomainError(ErrorCode.ValidationFailed, 'The request body is not valid.', {
      errors: fieldErrorsOf(result.error),
    });
  }
}
