/** Unit tests sit next to the code (x.test.ts); integration tests live in tests/. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2020' } }] },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/tests/globalSetup.js',
  // In-band runs too: this process refuses non-loopback lookups and connects.
  setupFiles: ['<rootDir>/tests/fixtures/noNetwork.js'],
  testTimeout: 30000,
};
