import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { canonicalPost, postId, validatePost } from '#core/post.ts';
import { nameCommitment } from '#core/social/index.ts';
import { PORTS } from '../../helpers/core.ts';

interface ActionVector {
  description: string;
  post: unknown;
  canonical: string | null;
  id: string | null;
  valid: boolean;
  error?: string;
}
const file = JSON.parse(readFileSync(new URL('../../vectors/social.json', import.meta.url), 'utf8')) as {
  actions: ActionVector[];
  name_commitments: { name: string; pubkey: string; salt: string; commitment: string }[];
};

for (const [portName, crypto] of PORTS) {
  describe(`social vectors (${portName})`, () => {
    it('every action vector: form, canonical form, id and signature, or the expected code', () => {
      assert.ok(file.actions.length >= 25);
      for (const vector of file.actions) {
        const result = validatePost(vector.post, crypto);
        if (vector.valid) {
          assert.ok(result.ok, `${vector.description}: ${result.ok ? '' : result.code}`);
          assert.equal(canonicalPost(result.value.post), vector.canonical, vector.description);
          assert.equal(postId(result.value.post, crypto), vector.id, vector.description);
        } else {
          assert.equal(result.ok ? undefined : result.code, vector.error, vector.description);
        }
      }
    });

    it('name commitments', () => {
      for (const v of file.name_commitments) {
        assert.equal(nameCommitment(v.name, v.pubkey, v.salt, crypto), v.commitment);
      }
    });
  });
}

describe('social vectors cover every kind', () => {
  it('one valid vector per known kind', async () => {
    const { ACTION_KINDS } = await import('#core/social/index.ts');
    const kinds = new Set(file.actions.filter((v) => v.valid).map((v) => (v.post as { kind: string }).kind));
    for (const kind of ACTION_KINDS) assert.ok(kinds.has(kind), kind);
  });
});
