/** Training kernels the stock TF.js wasm backend lacks, registered under the 'wasm' backend. */
export function registerWasmTrainingKernels(): void {
  // Filled in by the wasm kernels work (Conv2DBackpropFilter, a fast Conv2DBackpropInput).
}
