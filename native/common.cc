// Shared helpers: argument checks, the oneDNN engine/stream, conv geometry, entry-point registry.
#include "common.h"

#include <omp.h>

#include <map>
#include <sstream>

namespace gf {

void fail(Napi::Env env, const std::string& msg) { throw Napi::Error::New(env, "genforge_native: " + msg); }

void argCount(const Napi::CallbackInfo& info, size_t n, const char* fn) {
  if (info.Length() != n) {
    fail(info.Env(), std::string(fn) + " expects " + std::to_string(n) + " arguments, got " +
                         std::to_string(info.Length()));
  }
}

F32 argF32(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    fail(info.Env(), std::string(name) + " must be a Float32Array");
  }
  auto a = v.As<Napi::Float32Array>();
  if (expected != SIZE_MAX && a.ElementLength() != expected) {
    fail(info.Env(), std::string(name) + " must have " + std::to_string(expected) + " elements, has " +
                         std::to_string(a.ElementLength()));
  }
  return {a.Data(), a.ElementLength()};
}

F32 argF32OrNull(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected) {
  if (info[i].IsNull() || info[i].IsUndefined()) return {nullptr, 0};
  return argF32(info, i, name, expected);
}

std::vector<int64_t> argInts(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected,
                             int64_t minValue) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    fail(info.Env(), std::string(name) + " must be an Int32Array");
  }
  auto a = v.As<Napi::Int32Array>();
  if (a.ElementLength() != expected) {
    fail(info.Env(), std::string(name) + " must have " + std::to_string(expected) + " integers, has " +
                         std::to_string(a.ElementLength()));
  }
  std::vector<int64_t> out(expected);
  for (size_t k = 0; k < expected; ++k) {
    out[k] = a[k];
    if (out[k] < minValue) {
      fail(info.Env(), std::string(name) + "[" + std::to_string(k) + "] must be >= " + std::to_string(minValue) +
                           ", is " + std::to_string(out[k]));
    }
  }
  return out;
}

int64_t argInt(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t lo, int64_t hi) {
  if (!info[i].IsNumber()) fail(info.Env(), std::string(name) + " must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  int64_t v = int64_t(d);
  if (double(v) != d || v < lo || v > hi) {
    fail(info.Env(), std::string(name) + " must be an integer in [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "], is " + std::to_string(d));
  }
  return v;
}

double argNumber(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsNumber()) fail(info.Env(), std::string(name) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

std::string ConvGeom::key() const {
  std::ostringstream k;
  k << N << ',' << H << ',' << W << ',' << C << ',' << KH << ',' << KW << ',' << O << ',' << OH << ',' << OW << ','
    << sH << ',' << sW << ',' << dH << ',' << dW << ',' << pT << ',' << pL << ',' << pB << ',' << pR;
  return k.str();
}

ConvGeom argGeom(const Napi::CallbackInfo& info, size_t i) {
  auto v = argInts(info, i, "conv geometry", ConvGeom::kCount, 0);
  ConvGeom g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
  if (g.N < 1 || g.H < 1 || g.W < 1 || g.C < 1 || g.KH < 1 || g.KW < 1 || g.O < 1 || g.OH < 1 || g.OW < 1 ||
      g.sH < 1 || g.sW < 1 || g.dH < 1 || g.dW < 1) {
    fail(info.Env(), "conv geometry: sizes, strides and dilations must be >= 1 (" + g.key() + ")");
  }
  return g;
}

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::memory::desc nhwcDesc(int64_t n, int64_t c, int64_t h, int64_t w) { return {{n, c, h, w}, dt::f32, tag::nhwc}; }
dnnl::memory::desc hwioDesc(const ConvGeom& g) { return {{g.O, g.C, g.KH, g.KW}, dt::f32, tag::hwio}; }
dnnl::memory::desc anyAct(int64_t n, int64_t c, int64_t h, int64_t w) { return {{n, c, h, w}, dt::f32, tag::any}; }
dnnl::memory::desc anyWeights(const ConvGeom& g) { return {{g.O, g.C, g.KH, g.KW}, dt::f32, tag::any}; }
dnnl::memory::dims strides(const ConvGeom& g) { return {g.sH, g.sW}; }
dnnl::memory::dims dilates(const ConvGeom& g) { return {g.dH - 1, g.dW - 1}; }
dnnl::memory::dims padL(const ConvGeom& g) { return {g.pT, g.pL}; }
dnnl::memory::dims padR(const ConvGeom& g) { return {g.pB, g.pR}; }

void Port::init(const dnnl::memory::desc& userDesc, const dnnl::memory::desc& primDesc, bool input) {
  user = userDesc;
  prim = primDesc;
  reorder = !(user == prim);
  if (reorder) {
    tmp = dnnl::memory(prim, engine());
    if (input) toPrim = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), user, engine(), prim));
    else toUser = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), prim, engine(), user));
  }
}

dnnl::memory Port::in(float* ptr) {
  dnnl::memory u(user, engine(), ptr);
  if (!reorder) return u;
  toPrim.execute(stream(), u, tmp);
  return tmp;
}

dnnl::memory Port::out(float* ptr) {
  if (!reorder) return dnnl::memory(user, engine(), ptr);
  return tmp;
}

void Port::finish(float* ptr) {
  if (!reorder) return;
  dnnl::memory u(user, engine(), ptr);
  toUser.execute(stream(), tmp, u);
}

void appendActivation(dnnl::post_ops& po, int64_t act, float alpha) {
  using alg = dnnl::algorithm;
  switch (act) {
    case kLinear: return;
    case kRelu: po.append_eltwise(1.f, alg::eltwise_relu, 0.f, 0.f); return;
    case kRelu6: po.append_eltwise(1.f, alg::eltwise_clip, 0.f, 6.f); return;
    case kLeakyRelu: po.append_eltwise(1.f, alg::eltwise_relu, alpha, 0.f); return;
    case kSigmoid: po.append_eltwise(1.f, alg::eltwise_logistic, 0.f, 0.f); return;
    case kElu: po.append_eltwise(1.f, alg::eltwise_elu, 1.f, 0.f); return;
    default: throw std::runtime_error("unknown activation code " + std::to_string(act));
  }
}

static std::map<std::string, Napi::Value (*)(const Napi::CallbackInfo&)>& entries() {
  static std::map<std::string, Napi::Value (*)(const Napi::CallbackInfo&)> m;
  return m;
}

int addEntry(const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
  entries()[name] = fn;
  return 0;
}

void registerAll(Napi::Env env, Napi::Object exports) {
  for (auto& [name, fn] : entries()) exports.Set(name, Napi::Function::New(env, fn, name));
}

Napi::Value guarded(const Napi::CallbackInfo& info, const char* name,
                    const std::function<Napi::Value(const Napi::CallbackInfo&)>& body) {
  try {
    return body(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    fail(info.Env(), std::string(name) + ": oneDNN: " + e.what() + " (status " + std::to_string(int(e.status)) + ")");
  } catch (const std::exception& e) {
    fail(info.Env(), std::string(name) + ": " + e.what());
  }
}

}  // namespace gf

// Add-on entry: every kernel file registered its functions through GF_ENTRY.
static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  gf::registerAll(env, exports);
  exports.Set("threads", Napi::Number::New(env, omp_get_max_threads()));
  auto v = dnnl::version();
  exports.Set("onednnVersion", Napi::String::New(env, std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                                          std::to_string(v->patch)));
  return exports;
}

NODE_API_MODULE(genforge_native, Init)
