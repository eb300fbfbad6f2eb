import { ConfigError, loadConfig } from '@kasho/config';
import { parseSupportedCurrencies } from '@kasho/money';
import { gatewayEnv } from './config';

describe('gateway settings', () => {
  it('moves money in EUR, USD and GBP unless told otherwise', () => {
    expect(parseSupportedCurrencies(loadConfig(gatewayEnv, {}).SUPPORTED_CURRENCIES)).toEqual([
      'EUR',
      'USD',
      'GBP',
    ]);
    const configured = loadConfig(gatewayEnv, { SUPPORTED_CURRENCIES: 'JPY, EUR' });
    expect(parseSupportedCurrencies(configured.SUPPORTED_CURRENCIES)).toEqual(['JPY', 'EUR']);
  });

  it.each(['eur', 'EUR,EUR', 'XXX', 'ZZZ'])(
    'refuses SUPPORTED_CURRENCIES=%s, naming the variable',
    (value) => {
      expect(() => loadConfig(gatewayEnv, { SUPPORTED_CURRENCIES: value })).toThrow(ConfigError);
      expect(() => loadConfig(gatewayEnv, { SUPPORTED_CURRENCIES: value })).toThrow(/SUPPORTED_CURRENCIES/);
    },
  );
});
