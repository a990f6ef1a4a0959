/**
 * Child-process entry (bundled by the test with esbuild, wx-server-sdk left external): runs the
 * port scenario over the production adapter, platformDatabase(), i.e. the real wx-server-sdk.
 */
import { platformDatabase } from '../../../cloudfunctions/jrtc/src/platformDatabase';
import { runPortScenario } from './portScenario';

process.on('message', (prefix: unknown) => {
  void runPortScenario(platformDatabase(), String(prefix)).then(
    (result) => process.send?.({ result, networkAttempts: (globalThis as { __networkAttempts?: unknown }).__networkAttempts ?? null }, () => process.exit(0)),
    (err: unknown) => process.send?.({ error: String((err as Error)?.stack ?? err) }, () => process.exit(1)),
  );
});
