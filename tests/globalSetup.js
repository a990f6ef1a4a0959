// Jest global setup: build the deployable function bundles and the local cloud once, so that the
// integration tests run exactly the code that would be deployed.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = async function globalSetup() {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.js'), '--quiet'], {
    stdio: 'inherit',
  });
};
