// Fixture: module state lives as long as its instance (warm reuse keeps it; a new instance resets it).
let calls = 0;

exports.main = async (event) => {
  calls += 1;
  await new Promise((resolve) => setTimeout(resolve, Number(event.holdMs) || 0));
  return { pid: process.pid, calls, now: Date.now() };
};
