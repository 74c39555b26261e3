/*
 * Nonce search over the block header's fixed layout (docs/PROTOCOL.md §4.2): 92 bytes, padded to
 * two SHA-256 blocks. The first block (bytes 0-63) is fixed during a search, so its compression
 * (the midstate) is done once per call; every nonce then costs one compression of the second
 * block, whose words are:
 *   W0-W1 merkle_root tail, W2-W3 timestamp, W4 bits, W5-W6 nonce (high, low),
 *   W7 0x80000000 (padding), W8-W14 0, W15 736 (the length in bits).
 * Same design and contract as the JavaScript search (src/core/grind.ts).
 */
#ifndef YN_SEARCH_H
#define YN_SEARCH_H

#include <stdint.h>

#define YN_HEADER_SIZE 92

/* The fixed part of one search: the midstate and the second block's words. */
typedef struct {
  uint32_t midstate[8];
  uint32_t tail[16]; /* W5 and W6 (the nonce) are overwritten per attempt */
  uint32_t target[8];
} yn_job;

extern const uint32_t yn_k[64];

/* Portable SHA-256 compression (FIPS 180-4 §6.2.2): used for the midstate only. */
void yn_compress(uint32_t state[8], const uint32_t block[16]);

/* Fills `job` from the 92-byte header and the 32-byte big-endian target. */
void yn_prepare(yn_job *job, const uint8_t header[YN_HEADER_SIZE], const uint8_t target[32]);

/* digest <= target, both as 8 big-endian-ordered words. */
static inline int yn_meets(const uint32_t digest[8], const uint32_t target[8]) {
  for (int i = 0; i < 8; i++) {
    if (digest[i] < target[i]) return 1;
    if (digest[i] > target[i]) return 0;
  }
  return 1;
}

/*
 * The searches: the first nonce n in [start, start + count) whose hash is <= the target goes to
 * *found and 1 is returned; 0 when none does. Callers keep start + count <= 2^53.
 */
int yn_search_shani(const yn_job *job, uint64_t start, uint64_t count, uint64_t *found);
int yn_search_armv8(const yn_job *job, uint64_t start, uint64_t count, uint64_t *found);

#endif
