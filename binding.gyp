{
  # Built by scripts/build-native.mjs (npm run build:native). npm also runs `node-gyp rebuild` by itself on
  # install because this file exists: without oneDNN and OpenBLAS the target is then empty (type none), so
  # that install still succeeds and genforge runs on its wasm/cpu backends.
  "variables": {
    "have_libs%": "<!(node -p \"const fs = require('fs'); fs.existsSync('/usr/include/oneapi/dnnl/dnnl.hpp') && ['/usr/lib/x86_64-linux-gnu/libopenblas.so', '/usr/lib/aarch64-linux-gnu/libopenblas.so', '/usr/lib/libopenblas.so', '/usr/local/lib/libopenblas.so'].some((p) => fs.existsSync(p)) ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "genforge_native",
      "conditions": [
        ["have_libs==1", {
          "sources": ["<!@(node -p \"require('fs').readdirSync('native').filter(f => f.endsWith('.cc')).map(f => 'native/' + f).join(' ')\")"],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
          "cflags!": ["-fno-exceptions"],
          "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
          "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fno-trapping-math", "-fno-math-errno", "-fopenmp", "-fexceptions"],
          "ldflags": ["-fopenmp"],
          "libraries": ["-ldnnl", "-lopenblas", "-lgomp"]
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
