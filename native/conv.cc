// oneDNN convolution primitives, cached by geometry and attributes (see conv.h).
#include "conv.h"

#include <cstdlib>
#include <memory>
#include <unordered_map>

namespace gf {

using namespace dnnl;
using prop = prop_kind;
using alg = algorithm;

// Layout of activations on the primitive side: NHWC where one side has few channels (1-channel side
// pitfall: `any` pads it to 8 and backward-weights gets 3-5x slower), `any` elsewhere.
// GENFORGE_NATIVE_LAYOUT=any|nhwc forces one choice (for measurements).
static bool useNhwc(const ConvGeom& g, bool backwardData) {
  static const char* force = std::getenv("GENFORGE_NATIVE_LAYOUT");
  if (force && std::string(force) == "nhwc") return true;
  if (force && std::string(force) == "any") return false;
  if (backwardData) return false;
  return g.C < 8 || g.O < 8;
}

static memory::desc actDesc(const ConvGeom& g, bool input, bool nhwc) {
  return input ? (nhwc ? nhwcDesc(g.N, g.C, g.H, g.W) : anyAct(g.N, g.C, g.H, g.W))
               : (nhwc ? nhwcDesc(g.N, g.O, g.OH, g.OW) : anyAct(g.N, g.O, g.OH, g.OW));
}

static convolution_forward::primitive_desc forwardPd(const ConvGeom& g, bool nhwc, bool bias, const primitive_attr& attr) {
  auto src = actDesc(g, true, nhwc), dst = actDesc(g, false, nhwc);
  memory::desc b({g.O}, memory::data_type::f32, memory::format_tag::a);
  auto d = bias ? convolution_forward::desc(prop::forward_training, alg::convolution_direct, src, anyWeights(g), b, dst,
                                            strides(g), dilates(g), padL(g), padR(g))
                : convolution_forward::desc(prop::forward_training, alg::convolution_direct, src, anyWeights(g), dst,
                                            strides(g), dilates(g), padL(g), padR(g));
  return convolution_forward::primitive_desc(d, attr, engine());
}

struct FwdEntry {
  convolution_forward prim;
  Port src, wei, dst;
  bool bias;
};

void convForward(const ConvGeom& g, const float* x, const float* w, const float* bias, float* y, int64_t act,
                 float alpha) {
  static std::unordered_map<std::string, std::unique_ptr<FwdEntry>> cache;
  std::string key = g.key() + "|" + std::to_string(act) + "|" + std::to_string(alpha) + "|" + (bias ? "b" : "");
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto e = std::make_unique<FwdEntry>();
    primitive_attr attr;
    post_ops po;
    appendActivation(po, act, alpha);
    attr.set_post_ops(po);
    bool nhwc = useNhwc(g, false);
    auto pd = forwardPd(g, nhwc, bias != nullptr, attr);
    e->prim = convolution_forward(pd);
    e->src.init(nhwcDesc(g.N, g.C, g.H, g.W), pd.src_desc(), true);
    e->wei.init(hwioDesc(g), pd.weights_desc(), true);
    e->dst.init(nhwcDesc(g.N, g.O, g.OH, g.OW), pd.dst_desc(), false);
    e->bias = bias != nullptr;
    it = cache.emplace(key, std::move(e)).first;
  }
  FwdEntry& e = *it->second;
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, e.src.in(const_cast<float*>(x))},
                                       {DNNL_ARG_WEIGHTS, e.wei.in(const_cast<float*>(w))},
                                       {DNNL_ARG_DST, e.dst.out(y)}};
  if (e.bias) {
    args[DNNL_ARG_BIAS] = memory({{g.O}, memory::data_type::f32, memory::format_tag::a}, engine(), const_cast<float*>(bias));
  }
  e.prim.execute(stream(), args);
  e.dst.finish(y);
  stream().wait();
}

struct BwdDataEntry {
  convolution_backward_data prim;
  Port diffDst, wei, diffSrc;
};

void convBackwardData(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  static std::unordered_map<std::string, std::unique_ptr<BwdDataEntry>> cache;
  std::string key = g.key();
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto e = std::make_unique<BwdDataEntry>();
    bool nhwc = useNhwc(g, true);
    auto hint = forwardPd(g, nhwc, false, primitive_attr());
    auto d = convolution_backward_data::desc(alg::convolution_direct, actDesc(g, true, nhwc), anyWeights(g),
                                             actDesc(g, false, nhwc), strides(g), dilates(g), padL(g), padR(g));
    auto pd = convolution_backward_data::primitive_desc(d, engine(), hint);
    e->prim = convolution_backward_data(pd);
    e->diffDst.init(nhwcDesc(g.N, g.O, g.OH, g.OW), pd.diff_dst_desc(), true);
    e->wei.init(hwioDesc(g), pd.weights_desc(), true);
    e->diffSrc.init(nhwcDesc(g.N, g.C, g.H, g.W), pd.diff_src_desc(), false);
    it = cache.emplace(key, std::move(e)).first;
  }
  BwdDataEntry& e = *it->second;
  e.prim.execute(stream(), {{DNNL_ARG_DIFF_DST, e.diffDst.in(const_cast<float*>(dy))},
                            {DNNL_ARG_WEIGHTS, e.wei.in(const_cast<float*>(w))},
                            {DNNL_ARG_DIFF_SRC, e.diffSrc.out(dx)}});
  e.diffSrc.finish(dx);
  stream().wait();
}

struct BwdWeightsEntry {
  convolution_backward_weights prim;
  Port src, diffDst, diffWei;
};

void convBackwardWeights(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  static std::unordered_map<std::string, std::unique_ptr<BwdWeightsEntry>> cache;
  std::string key = g.key();
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto e = std::make_unique<BwdWeightsEntry>();
    bool nhwc = useNhwc(g, false);
    auto hint = forwardPd(g, nhwc, false, primitive_attr());
    auto d = convolution_backward_weights::desc(alg::convolution_direct, actDesc(g, true, nhwc), anyWeights(g),
                                                actDesc(g, false, nhwc), strides(g), dilates(g), padL(g), padR(g));
    auto pd = convolution_backward_weights::primitive_desc(d, engine(), hint);
    e->prim = convolution_backward_weights(pd);
    e->src.init(nhwcDesc(g.N, g.C, g.H, g.W), pd.src_desc(), true);
    e->diffDst.init(nhwcDesc(g.N, g.O, g.OH, g.OW), pd.diff_dst_desc(), true);
    e->diffWei.init(hwioDesc(g), pd.diff_weights_desc(), false);
    it = cache.emplace(key, std::move(e)).first;
  }
  BwdWeightsEntry& e = *it->second;
  e.prim.execute(stream(), {{DNNL_ARG_SRC, e.src.in(const_cast<float*>(x))},
                            {DNNL_ARG_DIFF_DST, e.diffDst.in(const_cast<float*>(dy))},
                            {DNNL_ARG_DIFF_WEIGHTS, e.diffWei.out(dw)}});
  e.diffWei.finish(dw);
  stream().wait();
}

}  // namespace gf
