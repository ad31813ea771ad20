{
  "targets": [
    {
      "target_name": "genforge_native",
      "sources": [
        "native/common.cc",
        "native/conv.cc",
        "native/matmul.cc",
        "native/Conv2D.cc",
        "native/FusedConv2D.cc",
        "native/Conv2DBackpropInput.cc",
        "native/Conv2DBackpropFilter.cc",
        "native/BatchMatMul.cc",
        "native/_FusedMatMul.cc"
      ],
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
