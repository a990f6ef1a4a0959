// Fixture: ends its instance in the ways a function can (an exit, a throw outside the handler).
exports.main = async (event) => {
  if (event.how === 'exit') process.exit(3);
  if (event.how === 'throwLater') setTimeout(() => { throw new Error('thrown outside the handler'); }, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { pid: process.pid };
};
