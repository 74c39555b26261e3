import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('from 1 to 32 nodes');
  return n;
}

function basePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_000) throw new InvalidArgumentError('a port from 1 to 65000');
  return n;
}

const BIN = new URL('../../../bin/yournet.mjs', import.meta.url).pathname;

/** One line of a child's pino output, shortened to "[port] message". */
function relay(port: number, line: string): void {
  if (line.trim() === '') return;
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string };
    if (
      (entry.level ?? 30) >= 30 &&
      entry.msg !== undefined &&
      entry.msg !== 'incoming request' &&
      entry.msg !== 'request completed'
    ) {
      process.stdout.write(`[${port}] ${entry.msg}\n`);
    }
  } catch {
    process.stdout.write(`[${port}] ${line}\n`);
  }
}

/**
 * `yournet devnet`: N node processes on consecutive ports with separate data directories, each
 * connected to the first (and, by address exchange, to each other); Ctrl-C stops them all.
 */
export function registerDevnetCommand(program: Command): void {
  program
    .command('devnet')
    .description('run a local network of nodes on consecutive ports (Ctrl-C stops them all)')
    .option('--nodes <n>', 'number of nodes', count, 3)
    .option('--base-port <port>', 'port of the first node', basePort, 8000)
    .option('--data <dir>', 'parent of the nodes’ data directories', './devnet-data')
    .addOption(new Option('--network <name>', 'network').choices(['main', 'regtest']).default('regtest'))
    .option('--mine', 'every node mines continuously while posts are pending', false)
    .action(async (options) => {
      const children: ChildProcess[] = [];
      const urls: string[] = [];
      for (let i = 0; i < options.nodes; i++) {
        const port = options.basePort + i;
        const url = `http://127.0.0.1:${port}`;
        const args = [
          BIN,
          'node',
          '--network',
          options.network,
          '--port',
          String(port),
          '--data',
          join(resolve(options.data), `node-${port}`),
          '--workers',
          '1',
          '--sync-interval',
          '10',
          ...(i > 0 ? ['--peer', urls[0]!] : []),
          // Devnet nodes talk over loopback, which the outbound policy refuses on main.
          '--allow-private-peers',
          ...(options.mine ? ['--mine'] : []),
        ];
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        urls.push(url);
        let pending = '';
        const onData = (chunk: Buffer) => {
          pending += chunk.toString();
          const lines = pending.split('\n');
          pending = lines.pop()!;
          for (const line of lines) relay(port, line);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code, signal) => {
          process.stdout.write(`[${port}] exited (${signal ?? code})\n`);
          if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(0);
        });
      }
      process.stdout.write(`YourNet devnet (${options.network}): ${options.nodes} nodes\n`);
      for (const url of urls) process.stdout.write(`  ${url}\n`);
      process.stdout.write('Ctrl-C stops them all.\n');
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        for (const child of children)
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        setTimeout(() => {
          for (const child of children)
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          process.exit(1);
        }, 10_000).unref();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
