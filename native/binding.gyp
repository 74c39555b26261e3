# The native nonce search (see src/addon.c). Built by scripts/build-native.mjs at `npm install`;
# a failed build only means the node mines with the JavaScript search.
# Each SIMD file is its own static library so that its instruction-set flags apply to it alone:
# the rest of the addon must load on any CPU of the architecture (addon.c picks the search by
# CPUID). The aarch64 part is compiled only on aarch64 and is untested on the x86 development machine.
{
  "target_defaults": {
    "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"],
    "cflags!": ["-O2"],
    "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-std=c11"]},
  },
  "targets": [
    {
      "target_name": "yournet_miner",
      "sources": ["src/addon.c", "src/sha256.c"],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {"dependencies": ["search_x86"]}],
        ["target_arch=='arm64'", {"dependencies": ["search_arm"]}],
      ],
    },
  ],
  "conditions": [
    ["target_arch=='x64' or target_arch=='ia32'", {
      "targets": [{
        "target_name": "search_x86",
        "type": "static_library",
        "sources": ["src/search_x86.c"],
        "cflags": ["-msha", "-msse4.1", "-mssse3"],
        "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-std=c11", "-msha", "-msse4.1", "-mssse3"]},
      }],
    }],
    ["target_arch=='arm64'", {
      "targets": [{
        "target_name": "search_arm",
        "type": "static_library",
        "sources": ["src/search_arm.c"],
        "cflags": ["-march=armv8-a+crypto"],
        "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-std=c11", "-march=armv8-a+crypto"]},
      }],
    }],
  ],
}
