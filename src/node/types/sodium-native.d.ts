// The one function of sodium-native (libsodium bindings, CommonJS) the node uses: no @types package.
declare module 'sodium-native' {
  /**
   * libsodium's crypto_sign_verify_detached: true when `signature` (64 bytes) is a valid Ed25519
   * signature of `message` by `publicKey` (32 bytes). Throws on a signature shorter than 64 bytes
   * or a key that is not 32 bytes.
   */
  export function crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
}
