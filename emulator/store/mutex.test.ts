import { Mutex } from './mutex';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Mutex', () => {
  it('runs critical sections one at a time, in call order', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    let inside = 0;
    let maxInside = 0;
    const section = (name: string) => async (): Promise<string> => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      log.push(`start ${name}`);
      await tick();
      await tick();
      log.push(`end ${name}`);
      inside -= 1;
      return name;
    };
    const results = await Promise.all([mutex.run(section('a')), mutex.run(section('b')), mutex.run(section('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(maxInside).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('releases the lock when a section fails, and reports whether it is held', async () => {
    const mutex = new Mutex();
    expect(mutex.locked).toBe(false);
    const failing = mutex.run(async () => {
      await tick();
      throw new Error('boom');
    });
    expect(mutex.locked).toBe(true);
    const next = mutex.run(() => 'after');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
    expect(mutex.locked).toBe(false);
  });

  it('does not let a read-modify-write lose updates', async () => {
    const mutex = new Mutex();
    let counter = 0;
    await Promise.all(
      Array.from({ length: 100 }, () =>
        mutex.run(async () => {
          const seen = counter;
          await tick();
          counter = seen + 1;
        }),
      ),
    );
    expect(counter).toBe(100);
  });
});
