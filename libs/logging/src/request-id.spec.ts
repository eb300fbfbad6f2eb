import { resolveRequestId } from './request-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it.each(['abc', 'A.b_c-9', 'x'.repeat(128), '0190c6a2-7b4e-7c3d-9a1b-2f3e4d5c6b7a'])(
    'keeps the client id %s',
    (id) => {
      expect(resolveRequestId(id)).toBe(id);
    },
  );

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a newline', 'abc\ninjected'],
    ['with a slash', 'a/b'],
    ['repeated', ['a', 'b']],
  ])('replaces a %s id with a UUID v7', (_name, header) => {
    expect(resolveRequestId(header)).toMatch(UUID_V7);
  });
});
