/**
 * The crypto port: the only primitives the protocol needs. `src/core` never imports an
 * implementation; callers pass one (node:crypto on the server, @noble in the browser).
 * Ed25519 verification is RFC 8032 §5.1.7 with exactly OpenSSL's choices, which every port must
 * reproduce bit for bit (a post valid on one port and invalid on another would split nodes):
 * S < L; the cofactorless equation, checked as "the encoding of [S]B − [k]A equals R" (so R must
 * be canonical); A decoded with y taken modulo p and small-order keys not refused.
 */
export interface CryptoPort {
  /** SHA-256 (FIPS 180-4) of `data`. */
  sha256(data: Uint8Array): Uint8Array;
  /** Ed25519 signature of `message` by the 32-byte `privateKey` seed. */
  sign(message: Uint8Array, privateKey: Uint8Array): Uint8Array;
  /** True when `signature` is a valid Ed25519 signature of `message` by the 32-byte `publicKey`. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** The 32-byte public key of a 32-byte private key seed. */
  publicKey(privateKey: Uint8Array): Uint8Array;
  /** 32 fresh random bytes for a new private key. */
  randomPrivateKey(): Uint8Array;
}
