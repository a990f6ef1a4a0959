/** Cold module load of the deployable function bundle against wx-server-sdk alone, in fresh processes. */
import { execFileSync } from 'child_process';
import path from 'path';
import { quantile } from '../stats';

function loadMs(root: string, target: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(target)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: root }).toString());
}

/** Alternates runs of both so machine noise hits them alike; reports medians and their ratio. */
export function measureModuleLoad(root: string, runs: number, tick: () => void) {
  const sdk: number[] = [];
  const bundle: number[] = [];
  const fn = path.join(root, 'cloudfunctions', 'jrtc', 'index.js');
  for (let i = 0; i < runs; i++) {
    sdk.push(loadMs(root, 'wx-server-sdk'));
    bundle.push(loadMs(root, fn));
    tick();
  }
  const s = quantile(sdk, 0.5);
  const b = quantile(bundle, 0.5);
  return { wxServerSdkMs: s, functionMs: b, ratio: b / s };
}
