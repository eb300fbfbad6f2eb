import { SnakeNamingStrategy, snakeCase } from './snake-naming-strategy';

describe('SnakeNamingStrategy', () => {
  const naming = new SnakeNamingStrategy();

  it('turns property and class names into snake_case', () => {
    expect(snakeCase('priceMinor')).toBe('price_minor');
    expect(snakeCase('HTTPStatus')).toBe('http_status');
    expect(snakeCase('ledgerAccount2Id')).toBe('ledger_account2_id');
    expect(naming.tableName('PendingTransfer', undefined)).toBe('pending_transfer');
    expect(naming.columnName('createdAt', undefined, [])).toBe('created_at');
    expect(naming.columnName('currency', undefined, ['amount'])).toBe('amount_currency');
    expect(naming.joinColumnName('sourceAccount', 'id')).toBe('source_account_id');
  });

  it('keeps names given explicitly', () => {
    expect(naming.tableName('Transfer', 'transfers')).toBe('transfers');
    expect(naming.columnName('amount', 'amount_minor', [])).toBe('amount_minor');
  });
});
