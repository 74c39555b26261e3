/*
 * The nonce search with the x86 SHA extensions (SHA-NI). This file alone is compiled with
 * -msha -msse4.1 (binding.gyp); addon.c calls it only when CPUID reports SHA, SSSE3 and SSE4.1.
 *
 * SHA-NI keeps the state as two vectors, ABEF and CDGH (lane 3 first), and does two rounds per
 * instruction. Each call: the rounds 0-3 of the second block (W0-W3: merkle tail and timestamp,
 * fixed) are done once; per nonce the rounds 4-63 run, two nonces interleaved because one
 * stream waits on the latency of sha256rnds2.
 */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)

#include <immintrin.h>

#include "search.h"

#define K4(i) _mm_loadu_si128((const __m128i *)&yn_k[i])

/* Four rounds on (s0 = ABEF, s1 = CDGH) with the schedule words m = W[i..i+3] (lane 0 first). */
#define ROUNDS4(s0, s1, m, i)                                                \
  do {                                                                       \
    __m128i t_ = _mm_add_epi32((m), K4(i));                                  \
    (s1) = _mm_sha256rnds2_epu32((s1), (s0), t_);                            \
    (s0) = _mm_sha256rnds2_epu32((s0), (s1), _mm_shuffle_epi32(t_, 0x0E));   \
  } while (0)

/* W[i..i+3] from W[i-16..i-1] held in a, b, c, d (oldest first); the result replaces a. */
#define SCHEDULE(a, b, c, d) \
  (a) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((a), (b)), _mm_alignr_epi8((d), (c), 4)), (d))

/* Schedule four more words and run their four rounds, for both streams. */
#define STEP(a, b, c, d, i)       \
  do {                            \
    SCHEDULE(a##0, b##0, c##0, d##0); \
    SCHEDULE(a##1, b##1, c##1, d##1); \
    ROUNDS4(x0, y0, a##0, i);     \
    ROUNDS4(x1, y1, a##1, i);     \
  } while (0)

static int finish(__m128i abef, __m128i cdgh, const uint32_t target[8]) {
  /* Word A decides almost every comparison: extract the rest only when it does not. */
  uint32_t a = (uint32_t)_mm_extract_epi32(abef, 3);
  if (a > target[0]) return 0;
  uint32_t digest[8] = {
      a,
      (uint32_t)_mm_extract_epi32(abef, 2),
      (uint32_t)_mm_extract_epi32(cdgh, 3),
      (uint32_t)_mm_extract_epi32(cdgh, 2),
      (uint32_t)_mm_extract_epi32(abef, 1),
      (uint32_t)_mm_extract_epi32(abef, 0),
      (uint32_t)_mm_extract_epi32(cdgh, 1),
      (uint32_t)_mm_extract_epi32(cdgh, 0),
  };
  return yn_meets(digest, target);
}

int yn_search_shani(const yn_job *job, uint64_t start, uint64_t count, uint64_t *found) {
  const uint32_t *mid = job->midstate;
  const uint32_t *w = job->tail;
  const __m128i mid0 = _mm_set_epi32((int)mid[0], (int)mid[1], (int)mid[4], (int)mid[5]);
  const __m128i mid1 = _mm_set_epi32((int)mid[2], (int)mid[3], (int)mid[6], (int)mid[7]);
  const __m128i w0 = _mm_loadu_si128((const __m128i *)&w[0]);
  const __m128i w8 = _mm_loadu_si128((const __m128i *)&w[8]);
  const __m128i w12 = _mm_loadu_si128((const __m128i *)&w[12]);
  /* Rounds 0-3 use only W0-W3: the same for every nonce of this call. */
  __m128i pre0 = mid0, pre1 = mid1;
  ROUNDS4(pre0, pre1, w0, 0);

  const uint64_t end = start + count;
  for (uint64_t n = start; n < end; n += 2) {
    /* An odd last nonce runs in both streams; only stream 0 is read then. */
    const uint64_t n1 = n + 1 < end ? n + 1 : n;
    __m128i x0 = pre0, y0 = pre1, x1 = pre0, y1 = pre1;
    __m128i a0 = w0, a1 = w0;
    __m128i b0 = _mm_set_epi32((int)w[7], (int)(uint32_t)n, (int)(uint32_t)(n >> 32), (int)w[4]);
    __m128i b1 = _mm_set_epi32((int)w[7], (int)(uint32_t)n1, (int)(uint32_t)(n1 >> 32), (int)w[4]);
    __m128i c0 = w8, c1 = w8, d0 = w12, d1 = w12;
    ROUNDS4(x0, y0, b0, 4);
    ROUNDS4(x1, y1, b1, 4);
    ROUNDS4(x0, y0, c0, 8);
    ROUNDS4(x1, y1, c1, 8);
    ROUNDS4(x0, y0, d0, 12);
    ROUNDS4(x1, y1, d1, 12);
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
    if (finish(_mm_add_epi32(x0, mid0), _mm_add_epi32(y0, mid1), job->target)) {
      *found = n;
      return 1;
    }
    if (n1 != n && finish(_mm_add_epi32(x1, mid0), _mm_add_epi32(y1, mid1), job->target)) {
      *found = n1;
      return 1;
    }
  }
  return 0;
}

#endif
