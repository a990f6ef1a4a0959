/**
 * `npm run bench:instances [-- N]`: starts N (default 20) warm jrtc instances on a local cloud
 * and prints what one idle instance holds (RSS, PSS and USS, MiB), and what the default cap of
 * function instances would take if a burst started them all. Linux only (/proc).
 */
import { startLocalCloud } from '../emulator/jrtc/localCloud';
import { DEFAULT_FUNCTION_INSTANCES } from '../emulator/functions/functionsHost';
import { measureInstanceMemory } from './measures/instanceMemory';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error('usage: instanceMemory [N], N a positive integer');
  // All N start at once (functionStarts): at the default pace, instances freed by their short
  // joinRoom would serve the rest of the burst and fewer than N would start.
  const cloud = await startLocalCloud({ port: 0, timers: false, functionInstances: count, functionStarts: count, log: () => undefined });
  try {
    const m = await measureInstanceMemory(cloud, count);
    const gib = (mib: number): string => (mib / 1024).toFixed(1);
    console.log(`${m.instances} idle warm jrtc instances (Node ${process.version}):`);
    console.log(`  RSS per instance: mean ${m.rssMiB.mean} MiB (min ${m.rssMiB.min}, max ${m.rssMiB.max})`);
    console.log(`  PSS per instance: mean ${m.pssMiB.mean} MiB (all ${m.instances}: ${m.pssMiB.total} MiB)`);
    console.log(`  USS per instance (private pages, what one more instance adds): mean ${m.ussMiB.mean} MiB`);
    console.log(
      `  ${DEFAULT_FUNCTION_INSTANCES} instances (the default cap) ≈ ${gib(m.ussMiB.mean * DEFAULT_FUNCTION_INSTANCES)} GiB by USS ` +
        `(${gib(m.rssMiB.mean * DEFAULT_FUNCTION_INSTANCES)} GiB summing RSS, which counts shared pages in each)`,
    );
  } finally {
    await cloud.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
