/*
 * yournet_miner: the N-API glue of the native nonce search.
 *
 *   backend: "sha-ni" | "armv8-sha2" | "none"   which search this CPU runs ("none": no SHA
 *                                                extensions, the node keeps the JS search)
 *   search(header: Uint8Array(92), target: Uint8Array(32), start: number, count: number): number
 *     the first nonce in [start, start + count) whose header hash is <= target, or -1.
 *     start + count <= 2^53. The caller keeps count small (a chunk of a few ms) so that its own
 *     loop can see a cancel between calls: this function never yields.
 */
#include <node_api.h>
#include <stdint.h>

#include "search.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define YN_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
#endif

typedef int (*search_fn)(const yn_job *, uint64_t, uint64_t, uint64_t *);

static search_fn detect(const char **name) {
#if defined(YN_X86)
  unsigned int a = 0, b = 0, c = 0, d = 0;
#if defined(_MSC_VER)
  int r[4];
  __cpuid(r, 0);
  unsigned int max = (unsigned int)r[0];
  __cpuid(r, 1);
  c = (unsigned int)r[2];
  __cpuidex(r, 7, 0);
  b = max >= 7 ? (unsigned int)r[1] : 0;
#else
  unsigned int max = __get_cpuid_max(0, 0);
  __get_cpuid(1, &a, &b, &c, &d);
  unsigned int leaf1_ecx = c;
  b = 0;
  if (max >= 7) __get_cpuid_count(7, 0, &a, &b, &c, &d);
  c = leaf1_ecx;
#endif
  const int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1, sha = (b >> 29) & 1;
  if (ssse3 && sse41 && sha) {
    *name = "sha-ni";
    return yn_search_shani;
  }
#elif defined(__aarch64__)
#if defined(__linux__)
  if (getauxval(AT_HWCAP) & HWCAP_SHA2) {
    *name = "armv8-sha2";
    return yn_search_armv8;
  }
#elif defined(__APPLE__)
  /* Every Apple arm64 CPU has the SHA2 instructions. */
  *name = "armv8-sha2";
  return yn_search_armv8;
#endif
#endif
  *name = "none";
  return 0;
}

static search_fn chosen;
static const char *backend_name = "none";

#define NONCE_LIMIT 9007199254740992.0 /* 2^53 */

static napi_value fail(napi_env env, const char *code, const char *message, int range) {
  if (range)
    napi_throw_range_error(env, code, message);
  else
    napi_throw_type_error(env, code, message);
  return 0;
}

static int bytes_arg(napi_env env, napi_value value, size_t length, const uint8_t **out) {
  int is_typed = 0;
  bool flag = false;
  if (napi_is_typedarray(env, value, &flag) != napi_ok || !flag) return 0;
  napi_typedarray_type type;
  size_t n = 0;
  void *data = 0;
  if (napi_get_typedarray_info(env, value, &type, &n, &data, 0, 0) != napi_ok) return 0;
  is_typed = type == napi_uint8_array && n == length;
  *out = (const uint8_t *)data;
  return is_typed;
}

static int integer_arg(napi_env env, napi_value value, double *out) {
  napi_valuetype t;
  if (napi_typeof(env, value, &t) != napi_ok || t != napi_number) return 0;
  if (napi_get_value_double(env, value, out) != napi_ok) return 0;
  return *out >= 0 && *out <= NONCE_LIMIT && *out == (double)(uint64_t)*out;
}

static napi_value search(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, 0, 0) != napi_ok) return 0;
  if (chosen == 0) return fail(env, "ERR_NO_SHA_EXTENSIONS", "no SHA extensions on this CPU", 0);
  if (argc < 4) return fail(env, "ERR_INVALID_ARG_TYPE", "search(header, target, start, count)", 0);
  const uint8_t *header, *target;
  if (!bytes_arg(env, argv[0], YN_HEADER_SIZE, &header))
    return fail(env, "ERR_INVALID_ARG_TYPE", "header must be a Uint8Array of 92 bytes", 0);
  if (!bytes_arg(env, argv[1], 32, &target))
    return fail(env, "ERR_INVALID_ARG_TYPE", "target must be a Uint8Array of 32 bytes", 0);
  double start, count;
  /* count > 2^53 - start, not start + count > 2^53: the sum would round (2^53 - 1 + 2 == 2^53). */
  if (!integer_arg(env, argv[2], &start) || !integer_arg(env, argv[3], &count) || count > NONCE_LIMIT - start)
    return fail(env, "ERR_OUT_OF_RANGE", "start and count must be integers with start + count <= 2^53", 1);
  yn_job job;
  yn_prepare(&job, header, target);
  uint64_t nonce = 0;
  const int hit = chosen(&job, (uint64_t)start, (uint64_t)count, &nonce);
  napi_value result;
  napi_create_double(env, hit ? (double)nonce : -1.0, &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  chosen = detect(&backend_name);
  napi_value fn, name;
  if (napi_create_function(env, "search", NAPI_AUTO_LENGTH, search, 0, &fn) != napi_ok) return 0;
  if (napi_set_named_property(env, exports, "search", fn) != napi_ok) return 0;
  if (napi_create_string_utf8(env, backend_name, NAPI_AUTO_LENGTH, &name) != napi_ok) return 0;
  if (napi_set_named_property(env, exports, "backend", name) != napi_ok) return 0;
  return exports;
}
