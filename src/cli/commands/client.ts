import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { signPost } from '../../core/post.ts';
import { nodeCrypto } from '../../node/crypto-node.ts';
import { verifyDataDir } from '../../node/verify.ts';
import { ask, nodeClient } from '../http.ts';
import { fingerprint, newKeyFile, readKeyFile, writeKeyFile } from '../keyfile.ts';

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
    .action(async (text: string, options) => {
      const { privateKey } = readKeyFile(options.key);
      const post = signPost(
        {
          author: options.author,
          content: text,
          timestamp: Date.now() / 1000,
          ...(options.replyTo ? { reply_to: options.replyTo } : {}),
        },
        privateKey,
        nodeCrypto,
      );
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
