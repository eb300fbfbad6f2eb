export { KeysModule } from './keys.module';
export { SIGNING_KEYSET } from './signing-keyset';
export { loadSigningKeys, rotateSigningKeysFile } from './signing-keys.file';
