import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAcceptablePubkey } from '../../core/post.ts';
import { nodeCrypto } from '../crypto-node.ts';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** The node key's file in the data directory (PKCS#8 PEM, mode 0600). */
export const NODE_KEY_FILE = 'node-key';

/** Whether `value` is a 32-byte lowercase hex string (a node key, nonce or session token). */
export const isHex32 = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/** A fresh 32-byte random value as lowercase hex (nonces and session tokens). */
export const randomHex32 = (): string => randomBytes(32).toString('hex');

/**
 * The node's persistent Ed25519 key: who the node is to its peers (docs/PROTOCOL.md §11.1).
 * Identity, scores and discouragement bind to its public key, which a peer proves by signing
 * the other side's fresh nonce; never to a URL or a header the caller chooses.
 */
export class NodeIdentity {
  /** The raw public key, lowercase hex (64 characters). */
  readonly publicKey: string;

  private constructor(private readonly key: KeyObject) {
    const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
    this.publicKey = der.subarray(SPKI_PREFIX.length).toString('hex');
  }

  /** A key that lives only in memory (tests, and nodes without a data directory). */
  static ephemeral(): NodeIdentity {
    return new NodeIdentity(generateKeyPairSync('ed25519').privateKey);
  }

  /** Loads `<dataDir>/node-key`, creating it (0600) on first start. */
  static load(dataDir: string): NodeIdentity {
    const file = join(dataDir, NODE_KEY_FILE);
    if (existsSync(file)) return new NodeIdentity(createPrivateKey(readFileSync(file, 'utf8')));
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return new NodeIdentity(privateKey);
  }

  /** Signs the UTF-8 bytes of `message`; lowercase hex (128 characters). */
  sign(message: string): string {
    return sign(null, Buffer.from(message, 'utf8'), this.key).toString('hex');
  }
}

/** Whether `signature` (hex) is `publicKey`'s (hex) over `message`; false for any malformed input. */
export function verifySignature(publicKey: string, message: string, signature: unknown): boolean {
  // A small-order key "signs" anything (PROTOCOL §2.1 step 10): never an identity.
  if (!isAcceptablePubkey(publicKey) || typeof signature !== 'string' || !/^[0-9a-f]{128}$/.test(signature))
    return false;
  // The node's crypto port: one Ed25519 verifier (with its key cache) for posts and handshakes.
  return nodeCrypto.verify(
    Buffer.from(signature, 'hex'),
    Buffer.from(message, 'utf8'),
    Buffer.from(publicKey, 'hex'),
  );
}

/**
 * What each side of a handshake signs: a domain tag, the network, both fresh nonces and both
 * keys, so a signature cannot be replayed in another session, direction or network.
 */
export function handshakeTranscript(
  role: 'responder' | 'initiator',
  network: string,
  initiator: { readonly key: string; readonly challenge: string },
  responder: { readonly key: string; readonly challenge: string },
): string {
  return [
    `yournet/handshake/${role}/v1`,
    network,
    initiator.key,
    initiator.challenge,
    responder.key,
    responder.challenge,
  ].join('\n');
}

/** What a node signs to prove its key answers at a URL (the connect-back check). */
export function identifyTranscript(network: string, challenge: string, url: string): string {
  return ['yournet/identify/v1', network, challenge, url].join('\n');
}
