#!/usr/bin/env node
// Builds the native miner (native/, an N-API addon) with node-gyp at `npm install` / `npm ci`.
// It never fails the install: without a toolchain, or on any build error, it prints one line and
// the node mines with the JavaScript search (src/node/miner/native.ts decides at run time).
//
// node-gyp comes from npm itself (the copy that builds better-sqlite3). It must not download
// Node's headers: npm's `nodedir` setting is used when set, else the running Node's own headers
// (<prefix>/include/node) when they exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');

function say(line) {
  console.log(`yournet native miner: ${line}`);
}

/** node-gyp's entry script: npm's own copy, found from npm's path as npm passes it to scripts. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((path) => existsSync(path));
}

function nodedirArgs() {
  const configured = process.env.npm_config_nodedir;
  if (configured) return [`--nodedir=${configured}`];
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return [`--nodedir=${prefix}`];
  return []; // node-gyp's own header cache, or a download if it is online
}

function main() {
  if (process.env.YOURNET_SKIP_NATIVE === '1') {
    say('skipped (YOURNET_SKIP_NATIVE=1); mining uses the JavaScript search');
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    say('node-gyp not found; mining uses the JavaScript search');
    return;
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--loglevel=error', ...nodedirArgs()], {
    cwd: native,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  if (result.status === 0) {
    say(`built native/build/Release/yournet_miner.node in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const firstError =
    output.split('\n').find((line) => /error/i.test(line)) ??
    result.error?.message ??
    `exit ${result.status}`;
  say(`build failed (${firstError.trim().slice(0, 200)}); mining uses the JavaScript search`);
}

try {
  main();
} catch (error) {
  say(`build failed (${error.message}); mining uses the JavaScript search`);
}
