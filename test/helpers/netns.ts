import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';

const BIN = new URL('../../bin/yournet.mjs', import.meta.url).pathname;

/** Runs `ip ...args`; throws with ip's own message on failure. */
function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Why network namespaces cannot be used here, or undefined when they can: root, `ip`, and a
 * namespace that can be created and removed.
 */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the test as root)';
  const probe = `ynprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return undefined;
  } catch (error) {
    return `"ip netns add" failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * A small LAN in namespaces: one namespace per node with an address on a shared bridge (the data
 * network, the only path between nodes), a bridge namespace holding two bridges (moving a port
 * from one to the other splits the LAN without touching the nodes), and one point-to-point
 * management link per node to this (root) namespace so the test reaches every node, split or not.
 * Nodes have no default route, so nothing leaks between sides through the root namespace.
 */
export class NetnsLab {
  /** Short and unique per run: interface names are limited to 15 characters. */
  readonly run = `yn${process.pid % 100_000}${randomInt(10)}`;
  /** Second octet of this run's 10.x addresses, unused by the host's routes. */
  readonly octet: number;
  readonly namespaces: string[] = [];
  private readonly rootLinks: string[] = [];
  private readonly bridgeNs = `${this.run}-br`;

  constructor(readonly size: number) {
    const routes = ip('-4', 'route', 'show');
    const free = Array.from({ length: 150 }, (_, i) => 100 + i).filter((o) => !routes.includes(`10.${o}.`));
    if (free.length === 0) throw new Error('no free 10.x subnet for the lab');
    this.octet = free[randomInt(free.length)]!;
  }

  nodeNs(i: number): string {
    return `${this.run}-n${i}`;
  }
  /** Node i's address on the data network. */
  address(i: number): string {
    return `10.${this.octet}.0.${i + 1}`;
  }
  /** The bridge-side end of node i's data link. */
  private port(i: number): string {
    return `p${i}`;
  }

  /** Builds the namespaces and links; call `destroy()` in `after()` even when this throws. */
  create(): void {
    this.namespaces.push(this.bridgeNs);
    ip('netns', 'add', this.bridgeNs);
    for (const bridge of ['br0', 'br1']) {
      ip('-n', this.bridgeNs, 'link', 'add', bridge, 'type', 'bridge');
      ip('-n', this.bridgeNs, 'link', 'set', bridge, 'up');
    }
    for (let i = 0; i < this.size; i++) {
      const ns = this.nodeNs(i);
      this.namespaces.push(ns);
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      // Data link: eth0 in the node, p<i> on br0 in the bridge namespace.
      ip(
        '-n',
        ns,
        'link',
        'add',
        'eth0',
        'type',
        'veth',
        'peer',
        'name',
        this.port(i),
        'netns',
        this.bridgeNs,
      );
      ip('-n', this.bridgeNs, 'link', 'set', this.port(i), 'master', 'br0');
      ip('-n', this.bridgeNs, 'link', 'set', this.port(i), 'up');
      ip('-n', ns, 'addr', 'add', `${this.address(i)}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      // Management link: mgmt in the node, <run>m<i> here; a host route sends the node's data
      // address through it (the node answers from that address, accepted on any interface).
      const root = `${this.run}m${i}`;
      this.rootLinks.push(root);
      ip('link', 'add', root, 'type', 'veth', 'peer', 'name', 'mgmt', 'netns', ns);
      const mgmt = `10.${this.octet}.${10 + i}`;
      ip('-n', ns, 'addr', 'add', `${mgmt}.2/30`, 'dev', 'mgmt');
      ip('-n', ns, 'link', 'set', 'mgmt', 'up');
      ip('addr', 'add', `${mgmt}.1/30`, 'dev', root);
      ip('link', 'set', root, 'up');
      ip('route', 'add', `${this.address(i)}/32`, 'via', `${mgmt}.2`, 'dev', root);
    }
  }

  /** Moves the data ports of `side` to the second bridge: the two sides no longer see each other. */
  split(side: readonly number[]): void {
    for (const i of side) ip('-n', this.bridgeNs, 'link', 'set', this.port(i), 'master', 'br1');
  }

  /** Puts every data port back on the first bridge. */
  heal(): void {
    for (let i = 0; i < this.size; i++) ip('-n', this.bridgeNs, 'link', 'set', this.port(i), 'master', 'br0');
  }

  /** Removes every namespace (their links go with them) and the management links; never throws. */
  destroy(): string[] {
    const problems: string[] = [];
    for (const ns of this.namespaces.splice(0)) {
      try {
        ip('netns', 'del', ns);
      } catch (error) {
        problems.push(`netns del ${ns}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    for (const link of this.rootLinks.splice(0)) {
      try {
        ip('link', 'del', link); // normally already gone with its peer's namespace
      } catch {
        // gone
      }
    }
    return problems;
  }
}

export interface NamespacedNode {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGKILL by pid and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `yournet node` inside namespace `ns` (`ip netns exec` execs the node, so the child's pid
 * is the node's) and waits for its "listening" line.
 */
export async function startNodeInNamespace(
  ns: string,
  host: string,
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<NamespacedNode> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, BIN, 'node', '--network', 'regtest', '--host', host, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node in ${ns} did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on http:\/\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node in ${ns} exited with ${code} before listening:\n${output}`));
    });
  });
  const port = args[args.indexOf('--port') + 1];
  return {
    url: `http://${host}:${port}`,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** True when `yournet node --help` lists `flag` (flags other helpers add land at different times). */
export function nodeHasFlag(flag: string): boolean {
  const help = execFileSync(process.execPath, [BIN, 'node', '--help'], { encoding: 'utf8' });
  return help.includes(flag);
}
