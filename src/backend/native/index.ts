/** The native backend: stock cpu kernels, hot ones overridden by the N-API add-on. */
export async function registerNativeBackend(): Promise<boolean> {
  return false;
}
