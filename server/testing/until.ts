// Polls a condition until it holds or the limit passes: for tests and benchmarks that wait on a
// real cluster (never used to assert timing).

/** True once `check` holds within `limitMs`, polling every `pollMs`; false otherwise. */
export async function until(check: () => boolean | Promise<boolean>, limitMs: number, pollMs = 50): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return check();
}
