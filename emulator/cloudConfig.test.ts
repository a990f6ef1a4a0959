import fs from 'fs';
import os from 'os';
import path from 'path';
import { loadCloudConfig } from './cloudConfig';

/** A repo root holding `cloudbaserc.json` and the given dot-env files. */
function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-rc-'));
  const rc = {
    version: '2.0',
    envId: '{{env.ENV_ID}}',
    functions: [{ name: 'f', envVariables: { SECRET: '{{env.SECRET}}', MIXED: 'a-{{ env.PART }}-b', MISSING: '{{env.NOPE}}', PLAIN: 'p' } }],
  };
  fs.writeFileSync(path.join(dir, 'cloudbaserc.json'), JSON.stringify(rc));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('cloudbaserc.json {{env.X}}, filled as the tcb CLI fills them', () => {
  test('from .env, then .env.local, then .env.<mode>: later files win; an unset name becomes empty', () => {
    const dir = repo({
      '.env': 'ENV_ID=from-env\nSECRET=from-env\nPART=x\n',
      '.env.local': 'SECRET="from local"\n',
      '.env.test': 'ENV_ID=test-env\n',
    });
    try {
      const plain = loadCloudConfig(dir);
      expect(plain.envId).toBe('from-env');
      expect(plain.functions[0].envVariables).toEqual({ SECRET: 'from local', MIXED: 'a-x-b', MISSING: '', PLAIN: 'p' });
      expect(loadCloudConfig(dir, { mode: 'test' }).envId).toBe('test-env');
      expect(() => loadCloudConfig(dir, { mode: '../x' })).toThrow(/mode/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without any .env file the placeholders are unset and the env id is the local one', () => {
    const dir = repo({});
    try {
      const cfg = loadCloudConfig(dir);
      expect(cfg.envId).toBe('local');
      expect(cfg.functions[0].envVariables.SECRET).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
