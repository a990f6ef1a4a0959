// Fixture: sleeps longer than its 1 s timeout when asked to.
exports.main = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, Number(event.sleepMs) || 0));
  return { pid: process.pid };
};
