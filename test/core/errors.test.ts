import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCode, fail, ok, ProtocolError } from '#core/errors.ts';
import * as core from '#core/index.ts';

describe('error codes', () => {
  it('every code is its own name (codes appear in HTTP answers and vectors: stable strings)', () => {
    for (const [key, value] of Object.entries(ErrorCode)) assert.equal(value, key);
    assert.ok(Object.keys(ErrorCode).length >= 40);
  });

  it('ok and fail build the two result shapes', () => {
    assert.deepEqual(ok(3), { ok: true, value: 3 });
    assert.deepEqual(fail(ErrorCode.BLOCK_BAD_POW, 'too high'), {
      ok: false,
      code: 'BLOCK_BAD_POW',
      message: 'too high',
    });
  });

  it('ProtocolError carries a code and is an Error', () => {
    const error = new ProtocolError(ErrorCode.POST_BAD_AUTHOR, 'no author');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ProtocolError');
    assert.equal(error.code, 'POST_BAD_AUTHOR');
    assert.equal(error.message, 'no author');
  });
});

describe('src/core as a library', () => {
  it('the index exports the public API', () => {
    for (const name of [
      'validatePost',
      'signPost',
      'postId',
      'canonicalJson',
      'merkleRoot',
      'merkleProof',
      'verifyMerkleProof',
      'encodeHeader',
      'decodeHeader',
      'headerHash',
      'HeaderHasher',
      'decodeBits',
      'encodeBits',
      'meetsTarget',
      'blockWork',
      'asertBits',
      'medianTimePast',
      'validateBlockStateless',
      'validateHeaderContext',
      'validateBodyContext',
      'requiredBits',
      'NETWORKS',
      'ErrorCode',
      'toHex',
      'fromHex',
    ]) {
      assert.ok(name in core, name);
    }
  });

  it('imports nothing from Node.js or from src/node (it also runs in the browser)', () => {
    const dir = join(import.meta.dirname, '..', '..', 'src', 'core');
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    assert.ok(files.length >= 10);
    for (const name of files) {
      const text = readFileSync(join(dir, name), 'utf8');
      const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      for (const specifier of specifiers) {
        assert.ok(!specifier.startsWith('node:'), `${name} imports ${specifier}`);
        assert.ok(!specifier.includes('/node/'), `${name} imports ${specifier}`);
        assert.ok(
          specifier.startsWith('./') ||
            ['canonicalize'].includes(specifier) ||
            specifier.startsWith('@noble/'),
          `${name} imports ${specifier}`,
        );
      }
      assert.ok(
        !/\bBuffer\b|\bprocess\./.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')),
        `${name} uses a Node global`,
      );
    }
  });
});
