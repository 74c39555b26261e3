import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/yournet.mjs', import.meta.url).pathname;

export interface NodeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly output: () => string;
  /** SIGTERM and wait for exit (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export function tempDataDir(prefix = 'yournet-proc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A spawned process whose "listening on <url>" log line has appeared. */
export interface ListeningProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => string;
}

/**
 * Runs the built CLI (`node bin/yournet.mjs ...args`, with Node.js flags before the script in
 * `args`) and waits up to `timeoutMs` for its "listening on http://127.0.0.1:<port>" line.
 */
export async function spawnListening(
  what: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<ListeningProcess> {
  const child = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, exited, output: () => output };
}

/**
 * Starts `yournet node` (the built CLI) as a real process on a free loopback port and waits for
 * its "listening" log line. The caller stops it by its own pid.
 */
export async function startNodeProcess(
  options: { dataDir?: string; args?: string[]; port?: number; nodeFlags?: readonly string[] } = {},
): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const args = [
    ...(options.nodeFlags ?? []),
    BIN,
    'node',
    '--network',
    'regtest',
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port ?? 0),
    '--data',
    dataDir,
    '--workers',
    '1',
    ...(options.args ?? []),
  ];
  const { child, url, exited, output } = await spawnListening('node', args, 20_000);
  return {
    url,
    child,
    dataDir,
    output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Stops a test file's node process and removes its data directory. Resolves with its exit code,
 * undefined when it never started (a `before` that failed): the caller asserts what it expects.
 */
export async function stopAndRemove(node: NodeProcess | undefined): Promise<number | null | undefined> {
  const code = await node?.stop();
  if (node) rmSync(node.dataDir, { recursive: true, force: true });
  return code;
}
