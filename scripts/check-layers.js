#!/usr/bin/env node
/**
 * The repository's layering, checked with nothing but Node (`node scripts/check-layers.js`; a test
 * runs it too):
 * - the import graph between top-level folders, over production files (not *.test.ts,
 *   __fixtures__ or tests/), has no cycle;
 * - nothing under emulator/, its tests included, imports cloudfunctions/ (the local cloud runs
 *   functions, it is not one; the product's tests against it live in tests/);
 * - outside emulator/jrtc/, no emulator file mentions rooms or jrtc (the generic local cloud knows
 *   CloudBase, not this product).
 * Prints each problem and exits 1 when there is one.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tracked = execFileSync('git', ['ls-files', '*.ts', '*.js'], { cwd: root, encoding: 'utf8' }).split('\n');
const files = tracked
  .filter((f) => f && !f.startsWith('dist/') && !/\.test\.ts$/.test(f) && !f.includes('__fixtures__') && !f.startsWith('tests/'))
  .filter((f) => !/^cloudfunctions\/[^/]+\/index\.js$/.test(f) && !f.startsWith('miniprogram/lib/dist') && fs.existsSync(path.join(root, f)));

const top = (f) => f.split('/')[0];
const importPattern = /(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const edges = new Map();
const problems = [];

for (const file of files) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  for (const m of text.matchAll(importPattern)) {
    const target = path.relative(root, path.resolve(root, path.dirname(file), m[1]));
    if (target.startsWith('..')) continue;
    const [from, to] = [top(file), top(target)];
    if (from !== to && !target.includes('/')) continue; // a root file such as package.json
    if (from !== to) {
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from).has(to)) edges.get(from).set(to, file);
    }
  }
  // WeChat's own VoIP vocabulary (joinVoIPChat's `roomType`, its "join room failed" answer) is the platform's, not the product's.
  const own = text.replace(/roomType|join room failed/g, '');
  if (file.startsWith('emulator/') && !file.startsWith('emulator/jrtc/') && /\broom|jrtc/i.test(own)) {
    problems.push(`${file} mentions rooms or jrtc: only emulator/jrtc/ may know the product`);
  }
}

for (const file of tracked.filter((f) => f.startsWith('emulator/') && fs.existsSync(path.join(root, f)))) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  for (const m of text.matchAll(importPattern)) {
    const target = path.relative(root, path.resolve(root, path.dirname(file), m[1]));
    if (top(target) === 'cloudfunctions') problems.push(`${file} imports ${m[1]}: emulator/ must not import cloudfunctions/`);
  }
}

// Cycles between folders: a depth-first search that reports each back edge's loop once.
const state = new Map();
const stack = [];
const visit = (node) => {
  state.set(node, 'open');
  stack.push(node);
  for (const [next, via] of edges.get(node) ?? []) {
    if (state.get(next) === 'open') {
      const loop = [...stack.slice(stack.indexOf(next)), next];
      problems.push(`folder cycle ${loop.join(' -> ')} (e.g. ${via} imports ${next}/)`);
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
};
for (const node of edges.keys()) if (!state.has(node)) visit(node);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exitCode = 1;
} else {
  const summary = [...edges].map(([from, tos]) => `${from} -> ${[...tos.keys()].sort().join(', ')}`).sort();
  console.log(`layers ok: ${files.length} files\n  ${summary.join('\n  ')}`);
}
