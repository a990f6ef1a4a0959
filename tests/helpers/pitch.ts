/** What a player recorded, as a pitch: the tests' way to tell who is heard (each phone sends a tone of its own). */
import { readWav, toneFrequency } from './audio';
import { decodeToWav } from './ffmpeg';

/** The tone's pitch in a recorded FLV file (decoded to WAV beside it). */
export async function pitchOf(file: string): Promise<number> {
  const wav = `${file}.wav`;
  expect((await decodeToWav(file, wav)).code).toBe(0);
  const { rate, samples } = readWav(wav);
  return toneFrequency(rate, samples);
}

/** Within 5 % of `hz` (the tone estimate's accuracy, as in media.e2e.test.ts): far from the other side's. */
export function expectPitch(measured: number, hz: number): void {
  expect(measured).toBeGreaterThan(hz * 0.95);
  expect(measured).toBeLessThan(hz * 1.05);
}
