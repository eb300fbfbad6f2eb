import { decodeBase32, generateTotpSecret } from '@kasho/security';
import { buildOtpauthUri } from './otpauth-uri';

describe('buildOtpauthUri', () => {
  const secret = Buffer.from('12345678901234567890', 'ascii');

  it('builds the Key URI with SHA1, 6 digits and 30 s', () => {
    expect(buildOtpauthUri({ secret, issuer: 'Kasho', accountName: 'alice@example.com' })).toBe(
      'otpauth://totp/Kasho:alice%40example.com' +
        '?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kasho&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('percent-encodes the issuer and account, spaces as %20', () => {
    const uri = buildOtpauthUri({ secret, issuer: 'Kasho Pay & Co', accountName: 'bob+mfa@exämple.com' });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Kasho%20Pay%20%26%20Co:bob%2Bmfa%40ex%C3%A4mple\.com\?/);
    expect(uri).toContain('&issuer=Kasho%20Pay%20%26%20Co&');
    expect(uri).not.toContain('+');
  });

  it('is parsed back by the WHATWG URL parser', () => {
    const raw = generateTotpSecret();
    const url = new URL(
      buildOtpauthUri({ secret: raw, issuer: 'Kasho Pay', accountName: 'a b@example.com' }),
    );
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Kasho Pay:a b@example.com');
    expect(url.searchParams.get('issuer')).toBe('Kasho Pay');
    expect(decodeBase32(url.searchParams.get('secret') ?? '')).toEqual(raw);
    expect(url.searchParams.get('secret')).not.toContain('=');
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });

  it('refuses an issuer holding a colon and empty names', () => {
    expect(() => buildOtpauthUri({ secret, issuer: 'Kasho:Pay', accountName: 'a@b.c' })).toThrow(RangeError);
    expect(() => buildOtpauthUri({ secret, issuer: '', accountName: 'a@b.c' })).toThrow(RangeError);
    expect(() => buildOtpauthUri({ secret, issuer: 'Kasho', accountName: '' })).toThrow(RangeError);
  });
});
