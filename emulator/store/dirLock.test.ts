import { spawn, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { LOCK_FILE } from './dirLock';
import { DocumentStore } from './store';

describe('one local cloud per data directory (LOCK)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-lock-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a directory another live process holds is refused, naming it; the holder\'s files are left alone', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${holder.pid}\n`);
      await expect(DocumentStore.open({ dir })).rejects.toThrow(new RegExp(`in use by another local cloud \\(pid ${holder.pid}\\)`));
      expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(holder.pid));
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
  });

  test('a lock left by a process that is gone (kill -9) is taken over; close releases it', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(dir, LOCK_FILE), gone.stdout);
    const store = await DocumentStore.open({ dir });
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    await store.put('c', 'a', { n: 1 });
    await store.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = await DocumentStore.open({ dir });
    expect(await again.get('c', 'a')).toMatchObject({ n: 1 });
    await again.close();
  });
});
