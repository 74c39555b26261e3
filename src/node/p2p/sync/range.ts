import { ErrorCode } from '../../../core/errors.ts';
import type { CheckedBlock } from '../../chain/checked.ts';
import type { AnyErrorCode } from '../../errors.ts';
import { type BulkSignatureVerifier, verifyBlockSignatures } from '../../verifier/block-signatures.ts';
import { P2PErrorCode, PeerError } from '../errors.ts';
import type { BlockIntake } from '../intake.ts';
import type { WireHeader } from '../locator.ts';
import { claimedHash, type Unchecked } from '../messages.ts';
import type { Peer, PeerManager } from '../peer-manager.ts';
import type { ChainView } from '../ports.ts';
import type { SyncProgress } from '../progress.ts';
import type { PeerTransport } from '../transport.ts';
import { Batch, type BatchBlocks } from './batch.ts';
import type { CheckedHeader } from './headers.ts';
import { BodyTimer } from './timing.ts';

/** Headers per body batch: one request, one check-ahead, one transaction. */
export const BATCH_SIZE = 100;
/** Body batches in flight at once (spread over the peers that have them), besides VERIFY_AHEAD. */
const WINDOW = 2;
/** Downloaded batches checked and sent to the signature workers ahead of the one connecting. */
const VERIFY_AHEAD = 2;
/** Peers asked for one batch at most, before the sync gives up on it. */
const MAX_ATTEMPTS = 3;

export interface RangeDeps {
  readonly chain: Pick<ChainView, 'tip' | 'hasBlock' | 'checkBlock' | 'inOneTransaction'>;
  readonly peers: Pick<PeerManager, 'connected' | 'failed' | 'misbehaved'>;
  readonly transport: Pick<PeerTransport, 'blocks'>;
  readonly intake: Pick<BlockIntake, 'accept'>;
  readonly progress: Pick<SyncProgress, 'update'>;
  /** Verifies the signatures of downloaded bodies off the main thread; without it, the chain does. */
  readonly verifier?: BulkSignatureVerifier | undefined;
  readonly stopped: () => boolean;
  /** Best height any peer told of, for the progress line. */
  readonly bestKnownHeight: () => number;
  /** Batch download times, for adaptive timeouts (kept across syncs by the SyncManager). */
  readonly timer?: BodyTimer | undefined;
}

/** The batches of the headers whose bodies the node lacks, in chain order. */
export function batchesOf(chain: Pick<ChainView, 'hasBlock'>, headers: readonly CheckedHeader[]): Batch[] {
  const missing = headers.filter((item) => !chain.hasBlock(item.header.hash)).map((item) => item.header);
  const batches: Batch[] = [];
  for (let i = 0; i < missing.length; i += BATCH_SIZE) {
    batches.push(new Batch(batches.length, missing.slice(i, i + BATCH_SIZE)));
  }
  return batches;
}

/**
 * Downloads and connects the bodies of a checked header run, driving each Batch through its
 * states. Pipeline: while the chain connects batch N (main thread, one transaction), the
 * workers verify the signatures of batches N+1 and N+2, and batches up to N+2+WINDOW download.
 * Batches are checked only when they come within VERIFY_AHEAD of the chain, so that few parsed
 * blocks wait (waiting objects fill V8's old generation and the node's memory).
 */
export async function syncRange(
  deps: RangeDeps,
  origin: Peer,
  headers: readonly CheckedHeader[],
  startHeight: number,
): Promise<void> {
  const { chain, progress } = deps;
  const batches = batchesOf(chain, headers);
  const inFlight: Promise<Batch>[] = [];
  let next = 0;
  const fill = () => {
    while (inFlight.length < WINDOW && next < batches.length) {
      const promise = download(deps, origin, batches[next]!);
      promise.catch(() => undefined); // handled when awaited in order
      inFlight.push(promise);
      next++;
    }
  };
  fill();
  const ready: Batch[] = [];
  let downloadFailed = false;
  let downloadError: unknown;
  for (;;) {
    while (!downloadFailed && ready.length < VERIFY_AHEAD && inFlight.length > 0) {
      try {
        const batch = await inFlight.shift()!;
        fill();
        check(deps, batch);
        ready.push(batch);
      } catch (error) {
        // The batches before it still connect, as they would have without the pipeline.
        downloadFailed = true;
        downloadError = error;
      }
    }
    const batch = ready.shift();
    if (batch === undefined || deps.stopped()) break;
    const verified = await helpVerify(deps, batch.expect('Verifying').verified);
    if (deps.stopped()) return;
    const failure = connect(deps, batch, verified);
    if (failure !== undefined) {
      batch.connectFailed(failure);
      if (failure.code === ErrorCode.BLOCK_TIME_TOO_NEW) return;
      throw new PeerError(failure.code, `block from ${failure.from}: ${failure.message}`, true);
    }
    batch.connected();
    progress.update(chain.tip.height, Math.max(deps.bestKnownHeight(), chain.tip.height), startHeight);
  }
  if (downloadFailed && !deps.stopped()) throw downloadError;
}

/**
 * Waits for a batch's signatures, verifying waiting chunks (of it or of the batches behind it) on
 * this thread meanwhile rather than idling: with one worker on 2 cores, the worker was the
 * bottleneck. Yields to the event loop between chunks, so downloads and answers go on.
 */
async function helpVerify<T>(deps: RangeDeps, verified: Promise<T>): Promise<T> {
  let settled = false;
  verified.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  while (!settled && !deps.stopped() && deps.verifier?.verifyQueuedHere?.() === true) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return verified;
}

/**
 * Downloads a batch: first from a peer chosen by turn among those high enough (the origin
 * included), then from the others in turn, up to MAX_ATTEMPTS peers. A peer that served headers
 * but does not serve the bodies asked (no or too few blocks, or no answer within the adaptive
 * timeout) is stalling: scored P2P_STALLING (issue 9, finding 9) and the batch goes to the next
 * peer. Other failures are counted against the peer as usual.
 */
async function download(deps: RangeDeps, origin: Peer, batch: Batch): Promise<Batch> {
  const { peers } = deps;
  const timer = deps.timer ?? new BodyTimer();
  const last = batch.lastHeight;
  const helpers = [origin, ...peers.connected.filter((p) => p.url !== origin.url && p.height >= last)];
  const start = batch.turn % helpers.length;
  const order = [...helpers.slice(start), ...helpers.slice(0, start)].slice(0, MAX_ATTEMPTS);
  for (const peer of order) {
    batch.startDownload(peer.url);
    const started = Date.now();
    try {
      const timeoutMs = timer.timeoutMs();
      batch.downloaded(await fetchAll(deps.transport, peer.url, batch.headers, timeoutMs));
      timer.record(Date.now() - started);
      return batch;
    } catch (error) {
      const scored = blame(deps, peer.url, error);
      const retry = peer !== order.at(-1) && !deps.stopped();
      batch.downloadFailed(error, retry);
      if (!retry) throw scored;
    }
  }
  throw new Error('unreachable: the last peer asked either answers or throws');
}

/** Scores a peer whose batch download failed; returns the error marked as scored. */
function blame(deps: RangeDeps, url: string, error: unknown): unknown {
  if (!(error instanceof PeerError)) {
    deps.peers.failed(url, error);
    return error;
  }
  if (error.code === P2PErrorCode.TIMEOUT || error.code === P2PErrorCode.STALLING) {
    deps.peers.misbehaved(url, P2PErrorCode.STALLING, error.message);
  } else if (!error.scored) {
    deps.peers.failed(url, error);
  }
  return new PeerError(
    error.code === P2PErrorCode.TIMEOUT ? P2PErrorCode.STALLING : error.code,
    error.message,
    true,
  );
}

/**
 * §7.1 steps 1–16 of each downloaded block (no chain needed, so ahead of the chain), then
 * their signatures sent to the verifier's workers. Stops at the first block that fails.
 */
function check(deps: RangeDeps, batch: Batch): void {
  const raw = batch.expect('AwaitingChecks').blocks;
  const blocks: BatchBlocks = [];
  const checked: CheckedBlock[] = [];
  for (const input of raw) {
    const result = deps.chain.checkBlock(input);
    if (!result.ok) {
      blocks.push(input);
      break;
    }
    blocks.push(result.value);
    checked.push(result.value);
  }
  const verifier = deps.verifier;
  const verified =
    verifier === undefined || checked.length === 0
      ? Promise.resolve(undefined)
      : verifyBlockSignatures(
          verifier,
          checked.map((block) => block.valid),
        );
  batch.checked(blocks, verified);
}

/** Connects a verified batch in one transaction; returns the first rejection, if any. */
function connect(
  deps: RangeDeps,
  batch: Batch,
  verified: Parameters<Batch['startConnecting']>[0],
): { code: AnyErrorCode; message: string; from: string } | undefined {
  const { blocks, peer } = batch.startConnecting(verified);
  return deps.chain.inOneTransaction(() => {
    for (let i = 0; i < blocks.length; i++) {
      const accepted = deps.intake.accept(blocks[i], peer, 0, verified ? { verified } : {});
      blocks[i] = undefined; // connected: let it go now rather than with the whole batch
      if (!accepted.ok) return { code: accepted.code, message: accepted.message, from: peer };
    }
    return undefined;
  });
}

/**
 * Fetches a batch of blocks, re-asking for the remainder when an answer stops at its byte cap,
 * all within `timeoutMs` (so a peer cannot stretch a batch by serving it one block at a time).
 */
async function fetchAll(
  transport: Pick<PeerTransport, 'blocks'>,
  url: string,
  batch: readonly WireHeader[],
  timeoutMs: number,
): Promise<Unchecked[]> {
  const out: Unchecked[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < batch.length) {
    const wanted = batch.slice(out.length).map((header) => header.hash);
    // The first request has the whole budget (not `deadline - now`, a millisecond short).
    const left = out.length === 0 ? timeoutMs : deadline - Date.now();
    if (left <= 0) {
      throw new PeerError(P2PErrorCode.TIMEOUT, `${out.length} of ${batch.length} bodies in ${timeoutMs} ms`);
    }
    const list = await transport.blocks(url, wanted, left);
    if (list.length === 0) {
      throw new PeerError(
        P2PErrorCode.STALLING,
        `served ${out.length} of the ${batch.length} bodies asked, then none`,
      );
    }
    list.forEach((block, i) => {
      if (claimedHash(block) !== wanted[i]) {
        throw new PeerError(P2PErrorCode.UNREQUESTED, `block ${i} of the answer is not the one asked for`);
      }
    });
    out.push(...list);
  }
  return out;
}
