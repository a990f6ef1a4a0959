import { TypedEmitter } from '../../miniprogram/lib/src/emitter';

interface Events {
  hello: (name: string, times: number) => void;
  bye: () => void;
}

describe('TypedEmitter', () => {
  test('calls listeners in order with the arguments, until removed', () => {
    const emitter = new TypedEmitter<Events>();
    const calls: string[] = [];
    const offA = emitter.on('hello', (name, times) => calls.push(`a:${name}:${times}`));
    emitter.on('hello', (name) => calls.push(`b:${name}`));
    emitter.emit('hello', 'x', 2);
    offA();
    emitter.emit('hello', 'y', 3);
    emitter.emit('bye');
    expect(calls).toEqual(['a:x:2', 'b:x', 'b:y']);
  });

  test('once runs a single time, off and removeAllListeners stop delivery', () => {
    const emitter = new TypedEmitter<Events>();
    let onceCalls = 0;
    let byeCalls = 0;
    emitter.once('bye', () => onceCalls++);
    const bye = (): void => {
      byeCalls++;
    };
    emitter.on('bye', bye);
    emitter.emit('bye');
    emitter.emit('bye');
    emitter.off('bye', bye);
    emitter.emit('bye');
    expect([onceCalls, byeCalls]).toEqual([1, 2]);
    emitter.on('bye', bye);
    emitter.removeAllListeners();
    emitter.emit('bye');
    expect(byeCalls).toBe(2);
  });

  test('a throwing listener neither stops the others nor the emitter; its error surfaces later', async () => {
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    const boom = new Error('listener bug');
    const surfaced = new Promise<unknown>((resolve) => {
      const original = global.setTimeout;
      jest.spyOn(global, 'setTimeout').mockImplementationOnce(((fn: () => void) =>
        original(() => {
          try {
            fn();
          } catch (err) {
            resolve(err);
          }
        }, 0)) as unknown as typeof setTimeout);
    });
    emitter.on('hello', () => {
      throw boom;
    });
    emitter.on('hello', (name) => seen.push(name));
    expect(() => emitter.emit('hello', 'z', 1)).not.toThrow();
    expect(seen).toEqual(['z']);
    await expect(surfaced).resolves.toBe(boom);
    jest.restoreAllMocks();
  });
});
