import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { toHex } from '../../core/bytes.ts';
import { type Post, postSize, signPost } from '../../core/post.ts';
import { bitsForWork } from '../../core/stamp.ts';
import { nodeCrypto } from '../../node/crypto-node.ts';
import { verifyDataDir } from '../../node/verify.ts';
import { ask, nodeClient } from '../http.ts';
import { fingerprint, newKeyFile, readKeyFile, writeKeyFile } from '../keyfile.ts';
import { stampOnWorkers } from '../stamping.ts';

/** What a stamp and a signature add at most to a post's size (the size the node prices). */
const STAMP_AND_SIGNATURE_BYTES =
  ',"stamp":{"bits":4294967295,"nonce":9007199254740991}'.length + ',"signature":""'.length + 128;

/** The stamp work the node asks for a post of `bytes`: to enter its pool, or the next block. */
async function askWork(nodeUrl: string, bytes: number, goal: 'pool' | 'block'): Promise<number> {
  const answer = await fetch(new URL(`/api/v1/policy?bytes=${bytes}`, nodeUrl));
  if (!answer.ok) throw new Error(`GET /api/v1/policy answered ${answer.status}`);
  const policy = (await answer.json()) as { required_work: number; next_block_work: number };
  return goal === 'pool' ? policy.required_work : policy.next_block_work;
}

/** `yournet keygen`, `post`, `mine`, `verify`: commands that talk to a node or read its data. */
export function registerClientCommands(program: Command): void {
  program
    .command('keygen')
    .description('create an Ed25519 key file for signing posts')
    .option('--out <file>', 'where to write the key', 'yournet-key.json')
    .option('--force', 'overwrite an existing file', false)
    .option('--show-private', 'also print the private key', false)
    .action((options) => {
      if (existsSync(options.out) && !options.force) {
        throw new Error(`${options.out} exists; use --force to overwrite it`);
      }
      const key = newKeyFile();
      writeKeyFile(options.out, key);
      console.log(`wrote ${options.out} (keep it private)`);
      console.log(`public key:  ${key.public_key}`);
      console.log(`fingerprint: ${fingerprint(key.public_key)}`);
      if (options.showPrivate) console.log(`private key: ${key.private_key}`);
    });

  program
    .command('post')
    .description('sign a post and submit it to a node')
    .argument('<text>', 'the content')
    .option('--node <url>', 'node URL', 'http://127.0.0.1:8000')
    .requiredOption('--key <file>', 'key file from `yournet keygen`')
    .option('--author <name>', 'display name', userInfo().username || 'anonymous')
    .option('--reply-to <id>', 'id of the post this one answers')
    .option('--work <hashes>', 'stamp work to put in (default: what the node estimates for the next block)')
    .option('--min-work', "stamp only what the node's pool asks now (may wait several blocks)", false)
    .option('--threads <n>', 'stamping threads (default: cores − 1)')
    .action(async (text: string, options) => {
      const { privateKey } = readKeyFile(options.key);
      // The stamp commits to the key: set it first, stamp, then sign (docs/PROTOCOL.md §12).
      const unsigned: Post = {
        author: options.author,
        content: text,
        timestamp: Date.now() / 1000,
        pubkey: toHex(nodeCrypto.publicKey(privateKey)),
        ...(options.replyTo ? { reply_to: options.replyTo } : {}),
      };
      const bytes = postSize(unsigned) + STAMP_AND_SIGNATURE_BYTES;
      const work =
        options.work !== undefined
          ? Number(options.work)
          : await askWork(options.node, bytes, options.minWork ? 'pool' : 'block');
      if (!(Number.isSafeInteger(work) && work >= 0))
        throw new Error(`--work must be a whole number of hashes`);
      let stamped = unsigned;
      if (work > 0) {
        const threads = options.threads === undefined ? undefined : Number(options.threads);
        const result = await stampOnWorkers(unsigned, bitsForWork(BigInt(work)), { workers: threads });
        process.stderr.write(
          `stamped: ${work} hashes asked, ${result.hashes} tried in ${result.seconds.toFixed(2)} s\n`,
        );
        stamped = { ...unsigned, stamp: result.stamp };
      }
      const post = signPost(stamped, privateKey, nodeCrypto);
      const answer = await ask(nodeClient(options.node), (node) => node.submit(post));
      console.log(JSON.stringify(answer));
    });

  program
    .command('mine')
    .description('ask a node to mine one block now')
    .option('--node <url>', 'node URL', 'http://127.0.0.1:8000')
    .option('--token <token>', 'admin token (needed for a node on another machine)')
    .action(async (options) => {
      const result = await ask(nodeClient(options.node), (node) => node.mine(options.token));
      console.log(JSON.stringify(result));
    });

  program
    .command('verify')
    .description('re-validate a data directory from the genesis and report the first bad block')
    .option('--data <dir>', 'data directory', './data')
    .action((options) => {
      const started = Date.now();
      const report = verifyDataDir(options.data, (height, tip) =>
        process.stderr.write(`verified ${height}/${tip} (${Math.floor((height / tip) * 100)}%)\n`),
      );
      console.log(JSON.stringify({ ...report, seconds: (Date.now() - started) / 1000 }));
      if (report.firstBad) process.exitCode = 1;
    });
}
