import { maskAddress, maskDate, maskEmail, maskName, maskPhone } from './masking';

describe('masking for support', () => {
  it('keeps an initial per word of a name', () => {
    expect(maskName('Ana  Maria Silva')).toBe('A*** M*** S***');
    expect(maskName('Émile Zola')).toBe('É*** Z***');
    expect(maskName(null)).toBeNull();
  });

  it('keeps the first character and the domain of an email', () => {
    expect(maskEmail('ana.silva@example.com')).toBe('a***@example.com');
    expect(maskEmail('broken')).toBe('***');
  });

  it('keeps the country code and the last two digits of a phone', () => {
    expect(maskPhone('+33612345678')).toBe('+33*******78');
  });

  it('shows only the country of an address and the year of a date', () => {
    expect(maskAddress({ line1: '1 rue X', city: 'Paris', postalCode: '75001', country: 'FR' })).toEqual({
      line1: '***',
      city: '***',
      postalCode: '***',
      country: 'FR',
    });
    expect(maskDate('1990-04-12')).toBe('1990-**-**');
  });
});
