/** The YourNet protocol: pure, isomorphic, no I/O. See docs/PROTOCOL.md. */
export * from './block.ts';
export * from './bytes.ts';
export * from './canonical.ts';
export * from './compact.ts';
export * from './contextual.ts';
export type { CryptoPort } from './crypto.ts';
export * from './difficulty.ts';
export * from './errors.ts';
export * from './grind.ts';
export * from './header.ts';
export * from './keyfile.ts';
export * from './merkle.ts';
export * from './params.ts';
export * from './post.ts';
export * from './pow.ts';
export * from './social/index.ts';
