/**
 * Compares two strings without an early exit, so the time taken does not tell an attacker how many
 * leading characters of a forged signature were right. Strings of different lengths are unequal at
 * once: every signature we compare has a fixed, public length, so the length leaks nothing.
 * Pure JavaScript (no Node `crypto.timingSafeEqual`) because the SDK runs it in a mini program too.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
