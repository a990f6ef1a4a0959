/**
 * Entry point of the `jrtc` command (built to dist/cli/jrtc.js, launched by bin/jrtc.js).
 * All logic is in commands.ts; this file only connects it to the process.
 */
import { runCli } from './commands';

const result = runCli(process.argv.slice(2));
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
process.exitCode = result.code;
