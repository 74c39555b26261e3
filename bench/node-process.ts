/**
 * Real node processes for the `node` suite: builds the CLI, starts `node bin/yournet.mjs node`
 * on 127.0.0.1, talks HTTP to it over keep-alive connections, and stops it by its pid.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from './harness.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'yournet.mjs');

/** Compiles src/ to dist/ (`npm run build`), so the processes run the code of this tree. */
export function buildCli(): void {
  log('[node] building the CLI (tsc -p tsconfig.json)');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`the build failed (exit ${result.status ?? result.signal})`);
}

/** A free loopback port (the node logs "listening" only at level info, which would log every request). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux platform Node.js supports. */
const CLOCK_TICKS = 100;

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export class NodeProcess {
  readonly agent: Agent;
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: URL,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts a node and waits until it answers GET /api/v1/status (at most 30 s). */
  static async start(options: {
    dataDir: string;
    network: 'main' | 'regtest';
    args?: readonly string[];
    sockets?: number;
  }): Promise<NodeProcess> {
    const port = await freePort();
    const args = [
      BIN,
      'node',
      '--network',
      options.network,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data',
      options.dataDir,
      '--log-level',
      'warn',
      // The load generator is one address sending thousands of requests a second: lift the
      // per-address limits (api/rate-limits.ts) that exist to stop exactly that.
      '--rate-limit-scale',
      '1000',
      ...(options.args ?? []),
    ];
    // YOURNET_BENCH_NODE_FLAGS: extra Node.js flags for the node processes, e.g. "--cpu-prof".
    const flags = process.env.YOURNET_BENCH_NODE_FLAGS?.split(' ').filter((flag) => flag !== '') ?? [];
    const child = spawn(process.execPath, [...flags, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', process.env.YOURNET_BENCH_NODE_STDERR ? 'inherit' : 'pipe'],
    });
    const node = new NodeProcess(child, new URL(`http://127.0.0.1:${port}`), options.sockets ?? 32);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        if ((await node.get('/api/v1/status')).status === 200) return node;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await node.stop();
    throw new Error(`the node did not start within 30 s:\n${node.output}`);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident set size of the node process in MB (Linux /proc; else the node's own /metrics). */
  async rssMb(): Promise<number> {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) return Number(kb[1]) / 1024;
    } catch {
      // not Linux
    }
    const metrics = (await this.get('/metrics')).body;
    const bytes = /process_resident_memory_bytes (\d+)/.exec(metrics);
    if (!bytes) throw new Error('no RSS in /metrics');
    return Number(bytes[1]) / (1024 * 1024);
  }

  /**
   * CPU seconds the node process has used: its main thread, and all its threads (Linux /proc;
   * undefined elsewhere). Under contention from other processes this stays meaningful where
   * wall-clock rates do not.
   */
  cpuSeconds(): { main: number; total: number } | undefined {
    const ticks = (stat: string) => {
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    };
    try {
      let total = 0;
      let main = 0;
      for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
        const seconds = ticks(readFileSync(`/proc/${this.pid}/task/${tid}/stat`, 'utf8'));
        total += seconds;
        if (Number(tid) === this.pid) main = seconds;
      }
      return { main, total };
    } catch {
      return undefined;
    }
  }

  get(path: string): Promise<HttpAnswer> {
    return this.send('GET', path);
  }

  post(path: string, body?: Buffer | string): Promise<HttpAnswer> {
    return this.send('POST', path, body);
  }

  /** One request on a keep-alive connection; rejects after 60 s. */
  send(method: string, path: string, body?: Buffer | string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** SIGTERM by pid, SIGKILL after 10 s; waits for the exit. */
  async stop(): Promise<void> {
    this.agent.destroy();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
