#!/usr/bin/env node
// The `jrtc` command: a thin launcher for the built CLI (npm install builds it through `prepare`).
require('../dist/cli/jrtc.js');
