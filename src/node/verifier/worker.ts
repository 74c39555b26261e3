import { parentPort } from 'node:worker_threads';
import { nodeCrypto } from '../crypto-node.ts';
import { MESSAGE_AT, PUBLIC_KEY_AT, RECORD_BYTES, type VerifyBatch, type VerifyResults } from './shared.ts';

/** A signature worker: verifies each batch it is sent with node:crypto and answers one byte per record. */

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;

port.on('message', ({ batch, records }: VerifyBatch) => {
  const count = Math.floor(records.length / RECORD_BYTES);
  const results = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * RECORD_BYTES;
    const valid = nodeCrypto.verify(
      records.subarray(at, at + MESSAGE_AT),
      records.subarray(at + MESSAGE_AT, at + PUBLIC_KEY_AT),
      records.subarray(at + PUBLIC_KEY_AT, at + RECORD_BYTES),
    );
    results[i] = valid ? 1 : 0;
  }
  const answer: VerifyResults = { batch, results };
  port.postMessage(answer, [results.buffer]);
});
