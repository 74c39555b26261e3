/** Finds the genesis nonce of each network and prints the constants pinned in src/core/params.ts. */
import { HeaderHasher } from '../src/core/header.ts';
import { NETWORKS } from '../src/core/params.ts';
import { targetWords, wordsMeetTarget } from '../src/core/pow.ts';

for (const params of Object.values(NETWORKS)) {
  const hasher = new HeaderHasher(params.genesis);
  const target = targetWords(params.powLimit);
  let nonce = 0;
  while (!wordsMeetTarget(hasher.hashWith(nonce), target)) nonce++;
  console.log(JSON.stringify({ network: params.name, nonce, hash: hasher.digestHex() }));
}
