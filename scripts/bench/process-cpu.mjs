// CPU time of processes from /proc (user + system, in µs): what a request costs each process, a figure that
// stays meaningful when other work shares the machine (unlike throughput or latency).
import { readFileSync } from 'node:fs';

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** A process's command name and CPU time so far (µs), from /proc/<pid>/stat. */
export function processCpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    micros: (Number(fields[11]) + Number(fields[12])) * TICK_US,
  };
}

export function processCpuMicros(pid) {
  return processCpu(pid).micros;
}

/** Runs `call` `count` times at `concurrency` and answers each named process's CPU µs per call. */
export async function cpuPerCall(call, { count, concurrency }, pids) {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMicros(pid)]));
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        await call();
      }
    }),
  );
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, (processCpuMicros(pid) - before[name]) / count]),
  );
}
