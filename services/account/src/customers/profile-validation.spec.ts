import { DomainError, ErrorCode } from '@kasho/errors';
import fc from 'fast-check';
import { parseKycSubmission } from '../kyc/kyc-validation';
import { isPastDate, parseProfileChanges } from './profile-validation';

describe('profile changes', () => {
  it('normalise what is valid', () => {
    expect(
      parseProfileChanges({
        fullName: '  Ana Silva ',
        phone: '+351 912 345 678',
        address: { line1: '1 Rua X', city: 'Lisboa', postalCode: '1000-001', country: 'PT' },
        dateOfBirth: '1990-02-28',
      }),
    ).toEqual({
      fullName: 'Ana Silva',
      phone: '+351912345678',
      address: { line1: '1 Rua X', city: 'Lisboa', postalCode: '1000-001', country: 'PT' },
      dateOfBirth: '1990-02-28',
    });
    expect(parseProfileChanges({ phone: null })).toEqual({ phone: null });
  });

  it('name every bad field with a JSON pointer', () => {
    try {
      parseProfileChanges({ fullName: '', address: { city: 'X', country: 'pt' }, dateOfBirth: '1990-02-30' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).errors?.map((e) => e.pointer).sort()).toEqual([
        '/address/country',
        '/address/line1',
        '/address/postalCode',
        '/dateOfBirth',
        '/fullName',
      ]);
    }
  });

  it('answer any input with a value or a validation error, never anything else', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseProfileChanges(input);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
        }
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseKycSubmission(input);
        } catch (error) {
          expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
        }
      }),
    );
  });

  it('take only real past dates after 1900', () => {
    const today = new Date('2026-06-01T12:00:00Z');
    expect(isPastDate('2024-02-29', today)).toBe(true);
    expect(isPastDate('2023-02-29', today)).toBe(false);
    expect(isPastDate('2027-01-01', today)).toBe(false);
    expect(isPastDate('1899-12-31', today)).toBe(false);
  });
});
