/**
 * A process's figures from /proc (Linux), for the benchmarks and the process-tree checks. Each
 * answers undefined where the process is gone or the machine has no /proc.
 */
import * as fs from "node:fs";

/** The fields of /proc/<pid>/stat after the command name: index 0 is the state, 1 the parent's pid (proc(5) fields 3 onwards). */
export function statFields(pid: number | "self"): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces or parentheses itself.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/**
 * User + system CPU time so far, ms (clock ticks of 10 ms): the process's own (proc(5) utime and
 * stime), or with `children` that of its children it has waited for (cutime and cstime; the
 * kernel adds a reaped child's time, its own reaped children's included, to its parent's).
 */
export function cpuMs(pid: number | "self", whose: "own" | "children" = "own"): number | undefined {
  const f = statFields(pid);
  if (!f) return undefined;
  const i = whose === "own" ? 11 : 13;
  return (Number(f[i]) + Number(f[i + 1])) * 10;
}

/** Peak resident memory (VmHWM), MB. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
