// Jest global setup: build the deployable function bundles and the local cloud once, so that the
// integration tests run exactly the code that would be deployed.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = async function globalSetup() {
  // Every process the tests start (jest's workers, function instances, child clouds) refuses to
  // reach anything but loopback; the workers inherit this env, and their children from them.
  const preload = `--require ${path.join(__dirname, 'fixtures', 'noNetwork.js')}`;
  if (!(process.env.NODE_OPTIONS || '').includes(preload)) {
    process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' ');
  }
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.js'), '--quiet'], {
    stdio: 'inherit',
  });
};
