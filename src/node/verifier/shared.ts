/**
 * What the signature pool and its worker threads share. A batch travels as one transferred
 * buffer of fixed-size records, so a batch of any size costs one message each way.
 */

/** Bytes of one record: the 64-byte signature, the 32-byte message (a post id), the 32-byte key. */
export const RECORD_BYTES = 128;
export const SIGNATURE_AT = 0;
export const MESSAGE_AT = 64;
export const PUBLIC_KEY_AT = 96;

/** Pool → worker: verify every record of `records`. */
export interface VerifyBatch {
  readonly batch: number;
  readonly records: Uint8Array;
}

/** Worker → pool: one byte per record, 1 when the signature verifies. */
export interface VerifyResults {
  readonly batch: number;
  readonly results: Uint8Array;
}
