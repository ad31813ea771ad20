{
  "targets": [
    {
      "target_name": "genforge_native",
      "sources": ["<!@(node -p \"require('fs').readdirSync('native').filter(f => f.endsWith('.cc')).map(f => 'native/' + f).join(' ')\")"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fopenmp", "-fexceptions"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl", "-lopenblas", "-lgomp"]
    }
  ]
}
