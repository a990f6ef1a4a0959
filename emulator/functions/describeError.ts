/** A readable one-line description of anything thrown (errors may come from another realm). */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    const name = (err as { name?: unknown }).name;
    return `${typeof name === 'string' ? name : 'Error'}: ${(err as { message: string }).message}`;
  }
  return String(err);
}
