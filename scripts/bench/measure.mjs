// Closed-loop load: `concurrency` workers each run `call()` back to back for `durationMs` after a warm-up; the
// result is throughput and latency percentiles. Used by every benchmark so their columns compare.
import { performance } from 'node:perf_hooks';

export async function measure(call, { concurrency, durationMs = 3000, warmupMs = 500 }) {
  const latencies = [];
  let errors = 0;
  const runFor = async (ms, record) => {
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          try {
            await call();
            if (record) latencies.push(performance.now() - started);
          } catch {
            if (record) errors += 1;
          }
        }
      }),
    );
  };
  await runFor(warmupMs, false);
  const started = performance.now();
  await runFor(durationMs, true);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    count: latencies.length,
  };
}

export function formatRow(label, concurrency, result, reference) {
  const ratio = reference ? `${((result.perSecond / reference.perSecond) * 100).toFixed(0)}%` : '—';
  return `| ${label} | ${concurrency} | ${Math.round(result.perSecond)} | ${result.p50.toFixed(3)} | ${result.p99.toFixed(3)} | ${ratio} | ${result.errors} |`;
}

/**
 * Measures several calls in alternating rounds (a, b, a, b, …) and keeps, for each, the round with the median
 * throughput: a burst of other work on this 2-core machine then skews one round, not one column.
 */
export async function measureAlternating(calls, { concurrency, durationMs, rounds = 3 }) {
  const perCall = calls.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, call] of calls.entries()) {
      perCall[index].push(
        await measure(call, { concurrency, durationMs, warmupMs: round === 0 ? 500 : 200 }),
      );
    }
  }
  return perCall.map(
    (results) => results.sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)],
  );
}
