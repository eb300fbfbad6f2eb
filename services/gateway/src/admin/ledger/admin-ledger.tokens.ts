/** The currencies a back-office transfer may move (`readonly string[]`, from @kasho/money). */
export const SUPPORTED_CURRENCIES = Symbol('SUPPORTED_CURRENCIES');
