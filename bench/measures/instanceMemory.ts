/**
 * What an idle warm instance of the jrtc function costs in memory: `count` instances are started
 * at once by as many concurrent joinRoom calls (each in a room of its own, so none waits for
 * another's transaction), and once every call answered and the instances sit idle their memory
 * is read from /proc (Linux): RSS (VmRSS, what `ps` and `top` show, shared pages counted in every
 * process), PSS (smaps_rollup, shared pages divided among the processes sharing them; the sum of
 * PSS is what the instances take from the machine together) and USS (the private pages alone:
 * what one more instance adds, since the Node binary and its libraries are shared).
 */
import fs from 'fs';
import { LOCAL_APPID } from '../../emulator/functions/functionsHost';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { joinParams } from '../fixtures';

/** Memory of the idle warm instances, in MiB. */
export interface InstanceMemory {
  instances: number;
  rssMiB: { mean: number; min: number; max: number };
  pssMiB: { mean: number; total: number };
  ussMiB: { mean: number };
}

const KIB_PER_MIB = 1024;

/** A `/proc/<pid>/<file>` field in kB (e.g. `VmRSS:   51234 kB`), or null when absent. */
export function procKb(pid: number, file: string, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The pids of `parent`'s child processes, from /proc (Linux). */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of stat is the parent pid; the command (field 2) may hold spaces, so split after it.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The function instance processes this process forked (their bootstrap is instanceRuntime.js). */
export function instancePids(): number[] {
  return childPids(process.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('instanceRuntime');
    } catch {
      return false;
    }
  });
}

/**
 * Starts `count` jrtc instances on `cloud` (whose functionInstances and functionStarts must allow as many), lets
 * them settle idle for `settleMs`, and reads their memory.
 */
export async function measureInstanceMemory(cloud: LocalCloud, count: number, settleMs = 2000): Promise<InstanceMemory> {
  const replies = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      cloud.functions.invoke('jrtc', { action: 'joinRoom', ...joinParams(`mem-room-${i}`, `mem-user-${i}`, 2) }, { openid: `mem-openid-${i}`, appid: LOCAL_APPID }),
    ),
  );
  const failed = replies.find((r) => !r.ok || (r.result as { ok?: boolean }).ok !== true);
  if (failed) throw new Error(`joinRoom failed while starting instances: ${JSON.stringify(failed)}`);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const pids = instancePids();
  if (pids.length !== count) throw new Error(`expected ${count} instance processes, found ${pids.length}`);
  const rss = pids.map((pid) => procKb(pid, 'status', 'VmRSS') ?? NaN);
  const pss = pids.map((pid) => procKb(pid, 'smaps_rollup', 'Pss') ?? NaN);
  const uss = pids.map((pid) => (procKb(pid, 'smaps_rollup', 'Private_Clean') ?? NaN) + (procKb(pid, 'smaps_rollup', 'Private_Dirty') ?? NaN));
  const mib = (kb: number): number => Math.round((kb / KIB_PER_MIB) * 10) / 10;
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    instances: pids.length,
    rssMiB: { mean: mib(sum(rss) / rss.length), min: mib(Math.min(...rss)), max: mib(Math.max(...rss)) },
    pssMiB: { mean: mib(sum(pss) / pss.length), total: mib(sum(pss)) },
    ussMiB: { mean: mib(sum(uss) / uss.length) },
  };
}
