/*
 * The nonce search with the ARMv8 SHA2 instructions. Compiled only for aarch64 (binding.gyp adds
 * -march=armv8-a+crypto to this file alone); addon.c calls it only when the CPU reports SHA2.
 * Not tested on the development machine (x86): the tests check it wherever the addon is built
 * on an aarch64 CPU, as they check SHA-NI on x86.
 */
#if defined(__aarch64__)

#include <arm_neon.h>

#include "search.h"

/* Four rounds on (abcd, efgh) with the schedule words m = W[i..i+3]. */
#define ROUNDS4(m, i)                                       \
  do {                                                      \
    uint32x4_t t_ = vaddq_u32((m), vld1q_u32(&yn_k[i]));    \
    uint32x4_t saved_ = abcd;                               \
    abcd = vsha256hq_u32(abcd, efgh, t_);                   \
    efgh = vsha256h2q_u32(efgh, saved_, t_);                \
  } while (0)

#define STEP(a, b, c, d, i)                                   \
  do {                                                        \
    (a) = vsha256su1q_u32(vsha256su0q_u32((a), (b)), (c), (d)); \
    ROUNDS4(a, i);                                            \
  } while (0)

int yn_search_armv8(const yn_job *job, uint64_t start, uint64_t count, uint64_t *found) {
  const uint32_t *w = job->tail;
  const uint32x4_t mid0 = vld1q_u32(&job->midstate[0]);
  const uint32x4_t mid1 = vld1q_u32(&job->midstate[4]);
  const uint32x4_t w0 = vld1q_u32(&w[0]);
  const uint32x4_t w8 = vld1q_u32(&w[8]);
  const uint32x4_t w12 = vld1q_u32(&w[12]);
  uint32x4_t abcd = mid0, efgh = mid1;
  ROUNDS4(w0, 0);
  const uint32x4_t pre0 = abcd, pre1 = efgh;
  const uint64_t end = start + count;
  for (uint64_t n = start; n < end; n++) {
    uint32_t words[4] = {w[4], (uint32_t)(n >> 32), (uint32_t)n, w[7]};
    uint32x4_t a = w0, b = vld1q_u32(words), c = w8, d = w12;
    abcd = pre0;
    efgh = pre1;
    ROUNDS4(b, 4);
    ROUNDS4(c, 8);
    ROUNDS4(d, 12);
    STEP(a, b, c, d, 16);
    STEP(b, c, d, a, 20);
    STEP(c, d, a, b, 24);
    STEP(d, a, b, c, 28);
    STEP(a, b, c, d, 32);
    STEP(b, c, d, a, 36);
    STEP(c, d, a, b, 40);
    STEP(d, a, b, c, 44);
    STEP(a, b, c, d, 48);
    STEP(b, c, d, a, 52);
    STEP(c, d, a, b, 56);
    STEP(d, a, b, c, 60);
    uint32_t digest[8];
    vst1q_u32(&digest[0], vaddq_u32(abcd, mid0));
    if (digest[0] > job->target[0]) continue;
    vst1q_u32(&digest[4], vaddq_u32(efgh, mid1));
    if (yn_meets(digest, job->target)) {
      *found = n;
      return 1;
    }
  }
  return 0;
}

#endif
