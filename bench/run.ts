/**
 * Benchmark runner: `npm run -s bench -- [suite...] [--out FILE]` (no suite: every registered
 * suite, in the order of SUITES). `-s` keeps npm's banner off stdout; `--out FILE` also writes
 * the JSON to FILE.
 *
 * Output contract
 *   stdout: exactly one JSON document, always an ARRAY of suite reports (one element when one
 *           suite is asked for), so consumers never branch on the shape:
 *             [{ "suite": "core",
 *                "machine": { "node": "v20.x", "cpus": { "model": "...", "count": 2 },
 *                             "platform": "linux", "arch": "x64", "loadavg1": 0.3 },
 *                "startedAt": "ISO-8601", "seconds": 12.3,
 *                "results": [{ "name": "...", "value": 123, "unit": "posts/s",
 *                              "target": { "op": ">=", "value": 10000 }, "pass": true,
 *                              ...extra fields (spread, sizes, notes) }] }]
 *           `target` and `pass` appear only on results that have a target.
 *   stderr: progress, and one PASS/MISS line per target.
 *   exit code: 0 even when targets are missed (this is a measurement, not a test);
 *              1 only for bad arguments or a suite that throws.
 *
 * Network scale flags (bench/network-scale.ts): `network --nodes N --latency MS [--jitter MS]
 * [--loss P] [--rounds R] [--split-hold S]` runs only the network suite's scale part (N nodes behind delaying
 * proxies) unless YOURNET_BENCH_NETWORK_ONLY names another part; without these flags the suite
 * runs every part, the scale part at 50 nodes and 50 ms.
 *
 * Adding a suite: write bench/<name>.ts exporting `run(): Promise<BenchResult[]>` (types in
 * bench/harness.ts) and add one line to SUITES below.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type BenchResult, type BenchSuite, log } from './harness.ts';

const SUITES: Record<string, () => Promise<BenchSuite>> = {
  core: () => import('./core.ts'),
  node: () => import('./node.ts'),
  network: () => import('./network.ts'),
  stamps: () => import('./stamps.ts'),
  million: () => import('./million.ts'),
  social: () => import('./social.ts'),
  phone: () => import('./phone.ts'),
};

interface SuiteReport {
  suite: string;
  machine: {
    node: string;
    cpus: { model: string; count: number };
    platform: string;
    arch: string;
    /** One-minute load average when the suite ended: above ~0 other processes shared the CPUs. */
    loadavg1: number;
  };
  startedAt: string;
  seconds: number;
  results: BenchResult[];
}

function machine(): SuiteReport['machine'] {
  const list = cpus();
  return {
    node: process.version,
    cpus: { model: list[0]?.model.trim() ?? 'unknown', count: list.length },
    platform: process.platform,
    arch: process.arch,
    loadavg1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

function judge(result: BenchResult): BenchResult {
  const { target } = result;
  if (target === undefined) return result;
  const pass = target.op === '>=' ? result.value >= target.value : result.value <= target.value;
  return { ...result, pass };
}

async function runSuite(name: string, load: () => Promise<BenchSuite>): Promise<SuiteReport> {
  log(`[bench] suite ${name}`);
  const startedAt = new Date();
  const start = process.hrtime.bigint();
  const suite = await load();
  const results = (await suite.run()).map(judge);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const r of results) {
    const line = `${r.name}: ${r.value} ${r.unit}`;
    if (r.target === undefined) log(`  info  ${line}`);
    else log(`  ${r.pass ? 'PASS' : 'MISS'}  ${line} (target ${r.target.op} ${r.target.value})`);
  }
  return {
    suite: name,
    machine: machine(),
    startedAt: startedAt.toISOString(),
    seconds: Math.round(seconds * 10) / 10,
    results,
  };
}

/** `--flag value` → YOURNET_BENCH_SCALE_<NAME>, checked: (name, env suffix, valid?) */
const SCALE_FLAGS: readonly [string, string, (n: number) => boolean][] = [
  ['--nodes', 'NODES', (n) => Number.isInteger(n) && n >= 2 && n <= 500],
  ['--latency', 'LATENCY', (n) => n >= 0 && n <= 10_000],
  ['--jitter', 'JITTER', (n) => n >= 0 && n <= 10_000],
  ['--loss', 'LOSS', (n) => n >= 0 && n < 1],
  ['--rounds', 'ROUNDS', (n) => Number.isInteger(n) && n >= 1 && n <= 1000],
  ['--split-hold', 'SPLIT_HOLD', (n) => n >= 0 && n <= 600],
];

/** Takes the scale flags out of `args` into the environment; an error message for a bad one. */
function takeScaleFlags(args: string[]): string | undefined {
  let given = false;
  for (const [flag, name, valid] of SCALE_FLAGS) {
    const at = args.indexOf(flag);
    if (at < 0) continue;
    const value = Number(args[at + 1]);
    if (args[at + 1] === undefined || !Number.isFinite(value) || !valid(value)) {
      return `${flag} needs a valid number (got ${args[at + 1] ?? 'nothing'})`;
    }
    process.env[`YOURNET_BENCH_SCALE_${name}`] = String(value);
    args.splice(at, 2);
    given = true;
  }
  if (given) process.env.YOURNET_BENCH_NETWORK_ONLY ??= 'scale';
  return undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const bad = takeScaleFlags(args);
  if (bad !== undefined) {
    log(bad);
    return 1;
  }
  let out: string | undefined;
  const outAt = args.indexOf('--out');
  if (outAt >= 0) {
    out = args[outAt + 1];
    if (out === undefined) {
      log('--out needs a file name');
      return 1;
    }
    args.splice(outAt, 2);
  }
  const asked = args;
  const names = asked.length > 0 ? asked : Object.keys(SUITES);
  const unknown = names.filter((name) => !Object.hasOwn(SUITES, name));
  if (unknown.length > 0) {
    log(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
    return 1;
  }
  const reports: SuiteReport[] = [];
  let failed = false;
  for (const name of names) {
    try {
      reports.push(await runSuite(name, SUITES[name]!));
    } catch (error) {
      failed = true;
      log(`[bench] suite ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    }
  }
  const json = `${JSON.stringify(reports, null, 2)}\n`;
  process.stdout.write(json);
  if (out !== undefined) writeFileSync(out, json);
  return failed ? 1 : 0;
}

process.exitCode = await main();
