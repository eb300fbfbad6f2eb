export { MAX_AMOUNT, isValidAmount, parseAmount, parseAmountBigInt } from './amount';
export type { ParseAmountOptions } from './amount';
export {
  DEFAULT_SUPPORTED_CURRENCIES,
  currencyExponent,
  isIsoCurrency,
  parseCurrency,
  parseSupportedCurrencies,
} from './currency';
export type { ParseCurrencyOptions } from './currency';
export { formatAmount, formatMoney, toMinorUnits } from './format';
export { ISO_4217_CODES, ISO_4217_EXPONENTS } from './iso-4217';
