/** Finds the genesis nonce of each network and prints the constants pinned in src/core/params.ts. */
import { grindNonce } from '#core/grind.ts';
import { NETWORKS } from '#core/params.ts';

for (const params of Object.values(NETWORKS)) {
  const outcome = grindNonce(params.genesis, params.powLimit);
  if (!outcome.found) throw new Error(`${params.name}: no genesis nonce below 2^53`);
  console.log(JSON.stringify({ network: params.name, nonce: outcome.nonce, hash: outcome.hash }));
}
