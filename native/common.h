// Shared helpers for the genforge native add-on: argument checks that throw plain JS errors, the one
// oneDNN engine/stream, convolution geometry, and a registry through which each kernel's .cc file adds
// its entry points. Native code sees flat Float32Array buffers and integers only.
#pragma once
#include <napi.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gf {

struct F32 {
  float* data;
  size_t length;
};

// A Float32Array argument of exactly `expected` elements (expected == SIZE_MAX: any length).
F32 argF32(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected = SIZE_MAX);
// A Float32Array argument or null/undefined (returns data == nullptr).
F32 argF32OrNull(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected);
// An Int32Array argument of exactly `expected` elements, values >= minValue.
std::vector<int64_t> argInts(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected,
                             int64_t minValue);
int64_t argInt(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t lo, int64_t hi);
double argNumber(const Napi::CallbackInfo& info, size_t i, const char* name);
void argCount(const Napi::CallbackInfo& info, size_t n, const char* fn);
[[noreturn]] void fail(Napi::Env env, const std::string& msg);

dnnl::engine& engine();
dnnl::stream& stream();

// NHWC activations, HWIO filter. All convolution entry points take these 17 integers in this order.
struct ConvGeom {
  int64_t N, H, W, C;      // input (forward view)
  int64_t KH, KW, O;       // filter [KH, KW, C, O]
  int64_t OH, OW;          // output (forward view) [N, OH, OW, O]
  int64_t sH, sW, dH, dW;  // strides, dilations (1 = none)
  int64_t pT, pL, pB, pR;  // padding
  static constexpr size_t kCount = 17;
  size_t inSize() const { return size_t(N * H * W * C); }
  size_t filterSize() const { return size_t(KH * KW * C * O); }
  size_t outSize() const { return size_t(N * OH * OW * O); }
  std::string key() const;
};
ConvGeom argGeom(const Napi::CallbackInfo& info, size_t i);

// Memory descriptors in TF.js layouts, and the primitive-side layout choice.
dnnl::memory::desc nhwcDesc(int64_t n, int64_t c, int64_t h, int64_t w);
dnnl::memory::desc hwioDesc(const ConvGeom& g);
dnnl::memory::desc anyAct(int64_t n, int64_t c, int64_t h, int64_t w);
dnnl::memory::desc anyWeights(const ConvGeom& g);
dnnl::memory::dims strides(const ConvGeom& g);
dnnl::memory::dims dilates(const ConvGeom& g);
dnnl::memory::dims padL(const ConvGeom& g);
dnnl::memory::dims padR(const ConvGeom& g);

// A user buffer bound to a primitive's memory: reorders in/out when the primitive's layout differs.
struct Port {
  dnnl::memory::desc user, prim;
  bool reorder = false;
  dnnl::memory tmp;  // primitive-layout copy (allocated once, cached with the primitive)
  dnnl::reorder toPrim, toUser;
  void init(const dnnl::memory::desc& userDesc, const dnnl::memory::desc& primDesc, bool input);
  // Memory to hand to the primitive; for inputs, reorders `ptr` into tmp first.
  dnnl::memory in(float* ptr);
  dnnl::memory out(float* ptr);
  void finish(float* ptr);  // outputs: reorder tmp back to ptr
};

// Elementwise post-op codes shared with TypeScript (src/backend/native/addon.ts).
enum Act { kLinear = 0, kRelu = 1, kRelu6 = 2, kLeakyRelu = 3, kSigmoid = 4, kElu = 5 };
void appendActivation(dnnl::post_ops& po, int64_t act, float alpha);

// Threads: element counts above this run on all cores.
constexpr int64_t kParallelMin = 1 << 15;

using Registrar = std::function<void(Napi::Env, Napi::Object)>;
int addEntry(const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&));
void registerAll(Napi::Env env, Napi::Object exports);

// Wraps an entry point so that C++ and oneDNN errors surface as plain JS errors.
Napi::Value guarded(const Napi::CallbackInfo& info, const char* name,
                    const std::function<Napi::Value(const Napi::CallbackInfo&)>& body);

}  // namespace gf

// Defines and registers `name` as an add-on entry point.
#define GF_ENTRY(name)                                                                      \
  static Napi::Value name##_body(const Napi::CallbackInfo& info);                           \
  static Napi::Value name##_entry(const Napi::CallbackInfo& info) {                         \
    return gf::guarded(info, #name, name##_body);                                           \
  }                                                                                         \
  static int name##_registered = gf::addEntry(#name, name##_entry);                         \
  static Napi::Value name##_body(const Napi::CallbackInfo& info)
